/**
 * pollUntil: a Wait + Choice loop around a check task, for a job that reports its status only
 * when asked. The interval grows by a factor up to a maximum; transient failures of the check are
 * retried with full jitter; a deadline ends the loop; and after a bounded number of polls the loop
 * continues as a new execution carrying its state, so no execution nears the history limit.
 */
import { jsonata, mergeStates, transientRetry, TRANSIENT_LAMBDA_ERRORS, type AslStates, type Fragment } from './asl.ts';
import { continueAsNew, continuationName } from './continue-as-new.ts';

export interface PollUntilOptions {
  /** prefix of the loop's state names: `<name>.Start`, `.Check`, `.Evaluate`, `.Wait`, `.Resume`, `.ContinueAsNew` */
  name: string;
  /**
   * the variable holding the loop's state, `{ interval, polls, deadline, root, generation }`;
   * one per loop, so two loops in one workflow do not share it
   */
  variable: string;
  /** the check task */
  check: {
    resource: string;
    /** JSONata `Arguments` of the check task */
    arguments: Record<string, unknown>;
    /** JSONata expression for the check's answer, the input of the Choice (default `$states.result`) */
    output?: string;
    /** errors retried with jitter (default: Lambda's transient errors) */
    retryOn?: readonly string[];
  };
  /** JSONata condition on the check's answer (`$states.input`): the job is done */
  doneWhen: string;
  /** JSONata condition on the check's answer: the job failed */
  failedWhen: string;
  intervalSeconds: number;
  /** factor the interval grows by after each poll */
  backoffRate: number;
  maxIntervalSeconds: number;
  /**
   * when to give up: `afterSeconds` from entering the loop, or `at`, a JSONata expression for an
   * ISO-8601 timestamp (an Assign'ed variable)
   */
  deadline: { afterSeconds: number } | { at: string };
  /** polls one execution makes before continuing as a new one */
  maxPollsPerExecution: number;
  /**
   * workflow variables the new execution needs (`jobId`...): carried in its input and assigned
   * again by `<name>.Resume`
   */
  carry: readonly string[];
  /** where each outcome goes; the check's answer is that state's input */
  next: { done: string; failed: string; deadlinePassed: string };
}

/** What pollUntil returns: a fragment plus how a continued execution re-enters it. */
export interface PollLoop extends Fragment {
  /** the state a continued execution starts at (route there from the workflow's first state) */
  resumeAt: string;
  /** JSONata condition on an execution's input: it is a continuation of this loop */
  resumeWhen: string;
}

/**
 * Builds the loop. Entered at `startAt`, it checks at once (the job may be done already), then
 * waits `intervalSeconds`, `× backoffRate` after each poll up to `maxIntervalSeconds`, never past
 * the deadline.
 *
 * Caveats: the check must be idempotent (it runs at least once per poll, more on retries); a
 * continued execution has a new name, so anything keyed by the execution name must be carried.
 *
 * @example
 * const loop = pollUntil({
 *   name: 'PollJob', variable: 'poll', carry: ['jobId'],
 *   check: { resource: 'arn:aws:states:::lambda:invoke', arguments: { FunctionName: '${CheckJobFunctionArn}', Payload: { jobId: '{% $jobId %}' } }, output: '$states.result.Payload' },
 *   doneWhen: "$states.input.status = 'SUCCEEDED'", failedWhen: "$states.input.status = 'FAILED'",
 *   intervalSeconds: 30, backoffRate: 2, maxIntervalSeconds: 600, deadline: { afterSeconds: 6 * 3600 },
 *   maxPollsPerExecution: 1000, next: { done: 'Done', failed: 'Failed', deadlinePassed: 'TooLate' },
 * });
 */
export function pollUntil(opts: PollUntilOptions): PollLoop {
  const n = (s: string) => `${opts.name}.${s}`;
  const v = `$${opts.variable}`;
  const deadline = 'at' in opts.deadline
    ? opts.deadline.at
    : `$fromMillis($toMillis($states.context.State.EnteredTime) + ${opts.deadline.afterSeconds * 1000})`;
  const carried = opts.carry.map((name) => `'${name}': $${name}`).join(', ');
  const next = continueAsNew({
    name: n('ContinueAsNew'),
    executionName: continuationName(`${v}.root`, `${v}.generation + 1`),
    input: `{ 'continueAsNew': { 'loop': '${opts.name}', '${opts.variable}': ${v}, 'carry': { ${carried} } } }`,
  });
  const resumeAssign: Record<string, string> = {
    [opts.variable]: jsonata(`$merge([$states.input.continueAsNew.${opts.variable}, { 'polls': 0, 'generation': $states.input.continueAsNew.${opts.variable}.generation + 1 }])`),
  };
  for (const name of opts.carry) resumeAssign[name] = jsonata(`$states.input.continueAsNew.carry.${name}`);

  const states: AslStates = {
    [n('Start')]: {
      Type: 'Pass',
      Assign: {
        [opts.variable]: {
          interval: opts.intervalSeconds,
          polls: 0,
          deadline: jsonata(deadline),
          root: jsonata('$states.context.Execution.Name'),
          generation: 0,
        },
      },
      Next: n('Check'),
    },
    [n('Resume')]: {
      Type: 'Pass',
      Comment: 'A continued execution takes up the loop where the previous one left it.',
      Assign: resumeAssign,
      Next: n('Wait'),
    },
    [n('Check')]: {
      Type: 'Task',
      Resource: opts.check.resource,
      Arguments: opts.check.arguments,
      Retry: [transientRetry({ errors: opts.check.retryOn ?? TRANSIENT_LAMBDA_ERRORS })],
      Assign: { [opts.variable]: jsonata(`$merge([${v}, { 'polls': ${v}.polls + 1 }])`) },
      Output: jsonata(opts.check.output ?? '$states.result'),
      Next: n('Evaluate'),
    },
    [n('Evaluate')]: {
      Type: 'Choice',
      Choices: [
        { Condition: jsonata(opts.doneWhen), Next: opts.next.done },
        { Condition: jsonata(opts.failedWhen), Next: opts.next.failed },
        { Condition: jsonata(`$toMillis($states.context.State.EnteredTime) >= $toMillis(${v}.deadline)`), Next: opts.next.deadlinePassed },
        { Condition: jsonata(`${v}.polls >= ${opts.maxPollsPerExecution}`), Next: n('ContinueAsNew') },
      ],
      Default: n('Wait'),
    },
    [n('Wait')]: {
      Type: 'Wait',
      Comment: `Waits the current interval, but never past the deadline; the next interval is ×${opts.backoffRate}, at most ${opts.maxIntervalSeconds} s.`,
      Seconds: jsonata(`$max([1, $ceil($min([${v}.interval, ($toMillis(${v}.deadline) - $toMillis($states.context.State.EnteredTime)) / 1000]))])`),
      Assign: { [opts.variable]: jsonata(`$merge([${v}, { 'interval': $ceil($min([${v}.interval * ${opts.backoffRate}, ${opts.maxIntervalSeconds}])) }])`) },
      Next: n('Check'),
    },
  };
  return {
    startAt: n('Start'),
    resumeAt: n('Resume'),
    resumeWhen: `$exists($states.input.continueAsNew) and $states.input.continueAsNew.loop = '${opts.name}'`,
    states: mergeStates(states, next.states),
    loops: [{
      states: [n('Check'), n('Evaluate'), n('Wait')],
      maxIterations: opts.maxPollsPerExecution,
      reason: `${opts.name}.Evaluate continues as new after ${opts.maxPollsPerExecution} polls`,
    }],
  };
}
