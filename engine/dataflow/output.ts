/**
 * Result and output processing, after a state evaluates: what the state passes on and the
 * variables it assigns. JSONPath: ResultSelector, Assign (over the selected result), ResultPath
 * (into the raw input), OutputPath. JSONata: Assign, then Output (default: the result, else the
 * input), both seeing `$states.input` and, after a task, `$states.result`. A catcher's own
 * ResultPath/Output and Assign see the error output instead. One entry per query language.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import type { Catcher, ChoiceRule, State } from '../definition/types.ts';
import { isStatesError, type DataflowContext, type Flow } from './context.ts';
import { applyOutputPath, applyResultPath, applyTemplate } from './jsonpath.ts';
import { evaluateField, type StatesValues } from './jsonata.ts';

/** What a state passes on, and the variables it assigns (null: no Assign). */
export interface Exit {
  output: JsonValue;
  assigned: JsonObject | null;
}

/** The state types that may assign variables (Succeed and Fail end a branch, and may not). */
const ASSIGNS = { Pass: true, Task: true, Choice: true, Wait: true, Parallel: true, Map: true, Succeed: false, Fail: false } as const satisfies Record<State['Type'], boolean>;

/** The output fields a state may have; which of them a state type accepts, validation decides. */
interface OutputFields {
  ResultSelector?: JsonValue;
  ResultPath?: string | null;
  OutputPath?: string | null;
  Output?: JsonValue;
  Assign?: JsonObject;
}

export const processOutput = {
  /**
   * `result` is what the state produced: a task's or branches' result, a Pass state's Result (or
   * its effective input), a Choice's or Wait's effective input. `rule` is a Choice's matched
   * rule: its Assign wins over the state's.
   *
   * @example
   * processOutput.JSONPath({ Type: 'Task', Resource: arn, ResultPath: '$.r', End: true }, { a: 1 }, 2, ctx);
   * // { output: { a: 1, r: 2 }, assigned: null }
   */
  JSONPath(state: State, input: JsonValue, result: JsonValue, ctx: DataflowContext, rule?: ChoiceRule): Flow<Exit> {
    const fields = state as OutputFields;
    const selected = fields.ResultSelector !== undefined ? applyTemplate(fields.ResultSelector, result, ctx, 'ResultSelector') : result;
    if (isStatesError(selected)) return selected;
    const assignSpec = rule && rule.Assign !== undefined ? (rule.Assign as JsonObject) : ASSIGNS[state.Type] ? fields.Assign : undefined;
    let assigned: JsonObject | null = null;
    if (assignSpec) {
      const a = applyTemplate(assignSpec, selected, ctx, 'Assign');
      if (isStatesError(a)) return a;
      assigned = a as JsonObject;
    }
    const placed = applyResultPath(fields.ResultPath, input, selected);
    if (isStatesError(placed)) return placed;
    const output = applyOutputPath(fields.OutputPath, placed, ctx);
    return isStatesError(output) ? output : { output, assigned };
  },

  /**
   * `result` is a Task's, Parallel's or Map's result (`$states.result`, and the default output);
   * undefined for other states, whose default output is their input. A Choice's matched `rule`
   * brings its own Output and Assign, each falling back to the state's.
   */
  JSONata(state: State, input: JsonValue, result: JsonValue | undefined, ctx: DataflowContext, rule?: ChoiceRule): Promise<Flow<Exit>> {
    const fields = state as OutputFields;
    const assign = rule?.Assign !== undefined && rule.Assign !== null ? (rule.Assign as JsonObject) : ASSIGNS[state.Type] ? fields.Assign : undefined;
    const output = rule && rule.Output !== undefined ? rule.Output : fields.Output;
    const states: StatesValues = result !== undefined ? { input, result } : { input };
    return jsonataExit(assign, output, states, result !== undefined ? result : input, ctx);
  },
};

/**
 * A catcher's output: the error output (`{ Error, Cause }`) placed by its ResultPath (JSONPath)
 * or shaped by its Output (JSONata, default: the error output), and its Assign. Never the
 * state's own output fields.
 */
export const processCatch = {
  JSONPath(catcher: Catcher, input: JsonValue, errorOutput: JsonObject, ctx: DataflowContext): Flow<Exit> {
    const output = applyResultPath(catcher.ResultPath, input, errorOutput);
    if (isStatesError(output)) return output;
    if (!catcher.Assign) return { output, assigned: null };
    const assigned = applyTemplate(catcher.Assign, errorOutput, ctx, 'Assign');
    return isStatesError(assigned) ? assigned : { output, assigned: assigned as JsonObject };
  },
  JSONata(catcher: Catcher, input: JsonValue, errorOutput: JsonObject, ctx: DataflowContext): Promise<Flow<Exit>> {
    return jsonataExit(catcher.Assign ?? undefined, catcher.Output, { input, errorOutput }, errorOutput, ctx);
  },
};

/** Assign first, then Output, as AWS evaluates them (ids and random numbers draw in that order). */
async function jsonataExit(assign: JsonObject | undefined, output: JsonValue | undefined, states: StatesValues, fallback: JsonValue, ctx: DataflowContext): Promise<Flow<Exit>> {
  let assigned: JsonObject | null = null;
  if (assign) {
    const a = await evaluateField(assign, states, ctx, 'Assign');
    if (isStatesError(a)) return a;
    assigned = a as JsonObject;
  }
  if (output === undefined) return { output: fallback, assigned };
  const out = await evaluateField(output, states, ctx, 'Output');
  return isStatesError(out) ? out : { output: out, assigned };
}
