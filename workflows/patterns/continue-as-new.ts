/**
 * continueAsNew: end this execution by starting a fresh one of the same state machine with the
 * carried state as its input, so a loop that runs for days never nears the 25,000-event history
 * limit of one execution.
 */
import { jsonata, type Fragment } from './asl.ts';

export interface ContinueAsNewOptions {
  /** the state's name */
  name: string;
  /** JSONata expression for the new execution's input (an object) */
  input: string;
  /**
   * JSONata expression for the new execution's name. Make it deterministic (see
   * `continuationName`): a start retried after a crash then finds the execution it started
   * instead of starting a second one.
   */
  executionName: string;
}

/**
 * A JSONata expression naming the continuation number `generation` of the chain started by the
 * execution named `root`: `<root>-c<generation>`, within the 80 characters AWS allows.
 *
 * @example
 * continuationName('$poll.root', '$poll.generation + 1'); // "$substring($poll.root, 0, 72) & '-c' & $string($poll.generation + 1)"
 */
export function continuationName(root: string, generation: string): string {
  return `$substring(${root}, 0, 72) & '-c' & $string(${generation})`;
}

/**
 * One Task state that starts the same state machine (`$states.context.StateMachine.Id`, so the
 * definition needs no substitution for its own ARN) and ends this execution SUCCEEDED with the new
 * execution's ARN as output.
 *
 * Caveat: the carried state must fit in the 256 KiB input limit; carry ids, not payloads.
 *
 * @example
 * continueAsNew({ name: 'Drain.ContinueAsNew', input: "{ 'continueAsNew': { 'drain': $drain } }",
 *   executionName: continuationName('$drain.root', '$drain.generation + 1') });
 */
export function continueAsNew(opts: ContinueAsNewOptions): Fragment {
  return {
    startAt: opts.name,
    loops: [],
    states: {
      [opts.name]: {
        Type: 'Task',
        Comment: 'Continues as a new execution before this one nears the history limit.',
        Resource: 'arn:aws:states:::states:startExecution',
        Arguments: {
          StateMachineArn: jsonata('$states.context.StateMachine.Id'),
          Name: jsonata(opts.executionName),
          Input: jsonata(opts.input),
        },
        Output: { continuedAs: jsonata('$states.result.ExecutionArn') },
        End: true,
      },
    },
  };
}
