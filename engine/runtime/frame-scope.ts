/** What a state's input and output processing reads from the execution running it. */
import type { JsonObject } from '../json.ts';
import type { DataflowContext } from '../dataflow/index.ts';
import type { EvaluationBudget } from '../query/jsonata/index.ts';
import type { InterpreterServices } from './interpreter.ts';
import type { QueryLanguage } from '../definition/types.ts';
import type { StateContext } from '../states/outcome.ts';

/**
 * A state's dataflow context: a class, not an object literal with getters, which V8 builds slowly
 * and every state entered builds one. The context object and the variables are built when read.
 */
export class FrameScope implements DataflowContext {
  readonly stateName: string;
  readonly enteredEventId: number;
  private readonly svc: InterpreterServices;
  /** the frame's abort signal, made on first read: most states evaluate no JSONata and never need one */
  private readonly signalOf: () => AbortSignal;
  /** builds the variables (true) or the context object (false) */
  private readonly build: (vars: boolean) => JsonObject;
  private builtContext: JsonObject | undefined;
  private builtVariables: JsonObject | undefined;

  constructor(stateName: string, enteredEventId: number, svc: InterpreterServices, signalOf: () => AbortSignal, build: (vars: boolean) => JsonObject) {
    this.stateName = stateName;
    this.enteredEventId = enteredEventId;
    this.svc = svc;
    this.signalOf = signalOf;
    this.build = build;
  }

  /** once aborted (StopExecution, a failed sibling), an expression stops at its next clock check */
  get signal(): AbortSignal {
    return this.signalOf();
  }

  get budget(): EvaluationBudget | undefined {
    return this.svc.evaluationBudget;
  }

  get context(): JsonObject {
    return (this.builtContext ??= this.build(false));
  }

  get variables(): JsonObject {
    return (this.builtVariables ??= this.build(true));
  }

  uuid(): string {
    return this.svc.uuid();
  }

  random(): number {
    return this.svc.random();
  }

  now(): number {
    return this.svc.scheduler.now();
  }
}

/** A state's context for its handler: the frame's scope and the query language the state is in. */
export class StateScope extends FrameScope implements StateContext {
  readonly queryLanguage: QueryLanguage;

  constructor(queryLanguage: QueryLanguage, ...args: ConstructorParameters<typeof FrameScope>) {
    super(...args);
    this.queryLanguage = queryLanguage;
  }
}
