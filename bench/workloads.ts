/**
 * The benchmark workloads: one ASL definition each, run unchanged by Longhaul and by
 * aws-local-stepfunctions, with the figures each one is counted in.
 *
 * An execution's history may hold at most 25,000 events (AWS's limit, which Longhaul enforces),
 * and every state entered costs two events (Entered, Exited); an inline Map iteration costs four
 * (IterationStarted, PassEntered, PassExited, IterationSucceeded). So the 100,000 transitions and
 * the 10,000 items are spread over several executions started together, on both engines alike.
 */
import type { JsonValue } from '../engine/json.ts';

export const WorkloadName = { Loop: 'loop', Map: 'map' } as const;
export type WorkloadName = (typeof WorkloadName)[keyof typeof WorkloadName];

export interface Workload {
  name: WorkloadName;
  /** what `units` counts, for the printed figure */
  unit: 'transitions' | 'items';
  definition: Record<string, unknown>;
  /** executions started together */
  executions: number;
  input: JsonValue;
  /** units done by all executions together */
  units: number;
  /** states entered by one execution (checked against Longhaul's history) */
  statesEnteredPerExecution: number;
  /** throws unless `output` is what one execution must return */
  checkOutput(output: unknown): void;
}

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/bench';

/**
 * Choice `Check` loops to Pass `Inc` (counter + 1 through States.MathAdd) while the counter is
 * below `limit`, then goes to Succeed `Done`. States entered per execution: `limit + 1` Checks,
 * `limit` Incs and one Done, i.e. `2 * limit + 2`.
 */
export function loopWorkload(totalTransitions = 100_000, executions = 10): Workload {
  const perExecution = totalTransitions / executions;
  const limit = (perExecution - 2) / 2;
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`cannot split ${totalTransitions} transitions over ${executions} executions`);
  return {
    name: WorkloadName.Loop,
    unit: 'transitions',
    definition: {
      Comment: 'Counts to a limit: a Choice loop over a Pass that adds one with States.MathAdd',
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericLessThan: limit, Next: 'Inc' }], Default: 'Done' },
        Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
        Done: { Type: 'Succeed' },
      },
    },
    executions,
    input: { i: 0 },
    units: totalTransitions,
    statesEnteredPerExecution: perExecution,
    checkOutput(output) {
      if ((output as { i?: unknown })?.i !== limit) throw new Error(`loop output ${JSON.stringify(output)}, expected {"i":${limit}}`);
    },
  };
}

/**
 * An inline Map over `{ id }` objects with a Pass as the whole iteration. The items are objects,
 * not bare numbers: aws-local-stepfunctions 3.0 fails an iteration whose item is `0`
 * ("Path expression '$' does not point to a value").
 */
export function mapWorkload(totalItems = 10_000, executions = 2): Workload {
  const perExecution = totalItems / executions;
  if (!Number.isInteger(perExecution)) throw new Error(`cannot split ${totalItems} items over ${executions} executions`);
  const items = Array.from({ length: perExecution }, (_, id) => ({ id }));
  return {
    name: WorkloadName.Map,
    unit: 'items',
    definition: {
      Comment: 'An inline Map whose iteration is one Pass state',
      StartAt: 'EachItem',
      States: {
        EachItem: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Touch',
            States: { Touch: { Type: 'Pass', Parameters: { 'id.$': '$.id', seen: true }, End: true } },
          },
          ResultPath: '$.results',
          End: true,
        },
      },
    },
    executions,
    input: { items },
    units: totalItems,
    statesEnteredPerExecution: perExecution + 1,
    checkOutput(output) {
      const results = (output as { results?: { id: number; seen: boolean }[] })?.results;
      if (!Array.isArray(results) || results.length !== perExecution || results.some((r, i) => r.id !== i || r.seen !== true)) {
        throw new Error(`map output does not hold the ${perExecution} iteration results in order`);
      }
    },
  };
}

export function workload(name: WorkloadName, scale = 1): Workload {
  return name === WorkloadName.Loop ? loopWorkload(100_000 * scale, 10) : mapWorkload(10_000 * scale, 2);
}

/** Seconds of the Wait that the 10,000 waiting executions sit in. */
export const WAIT_SECONDS = 3600;

export const waitDefinition = {
  Comment: 'Waits an hour, then ends',
  StartAt: 'Sleep',
  States: {
    Sleep: { Type: 'Wait', Seconds: WAIT_SECONDS, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

/**
 * A Distributed Map over the rows of a CSV object read by its ItemReader, MaxConcurrency
 * children at once, each a Wait of a second then a Pass, the results written out by ResultWriter:
 * the scale figure (issue 13). The CSV is `id,value` rows.
 */
export function distributedMapDefinition(maxConcurrency = 1_000): Record<string, unknown> {
  return {
    Comment: 'A Distributed Map over a CSV in S3, results to S3',
    StartAt: 'EachRow',
    States: {
      EachRow: {
        Type: 'Map',
        Label: 'Rows',
        MaxConcurrency: maxConcurrency,
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
          Parameters: { Bucket: 'bench', Key: 'rows.csv' },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Pause',
          States: {
            Pause: { Type: 'Wait', Seconds: 1, Next: 'Touch' },
            Touch: { Type: 'Pass', Parameters: { 'id.$': '$.id', seen: true }, End: true },
          },
        },
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'bench', Prefix: 'results' } },
        End: true,
      },
    },
  };
}

/** `rows` CSV rows under an `id,value` header. */
export function csvRows(rows: number): string {
  const lines = ['id,value'];
  for (let i = 0; i < rows; i++) lines.push(`${i},v${i}`);
  return lines.join('\n') + '\n';
}
