/** Starts exactly one report-etl execution per uploaded object version. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { startNamedExecution } from '../shared/start-execution.ts';
import { invalid, requiredEnv } from '../shared/input.ts';
import { executionName } from './execution-name.ts';
import type { ReportEtlInput, S3ObjectCreated, StartFromS3Output } from './schema.ts';

export interface StartFromS3Dependencies {
  sfn: SFNClient;
  stateMachineArn: string;
  release?(): void;
}

/**
 * StartExecution named after the object version. A duplicated event finds the execution already
 * there: StartExecution answers the running one for the same name and input, and
 * ExecutionAlreadyExists once it has closed — both mean "this version is taken care of", so both
 * are success with `started: false` rather than an error.
 *
 * @example
 * await startFromS3({ bucket: 'reports', key: 'q3.csv', versionId: 'v1' }, { sfn, stateMachineArn });
 * // { executionArn: 'arn:aws:states:...:execution:report-etl:reports-q3.csv-v1-...', name: '...', started: true }
 */
export async function startFromS3(object: S3ObjectCreated, deps: StartFromS3Dependencies): Promise<StartFromS3Output> {
  if (object.versionId === undefined && object.sequencer === undefined) {
    throw invalid(`s3://${object.bucket}/${object.key} has neither a version id nor a sequencer to tell this write apart`);
  }
  const name = executionName(object);
  const input: ReportEtlInput = { bucket: object.bucket, key: object.key, ...(object.versionId ? { versionId: object.versionId } : {}) };
  return startNamedExecution(deps.sfn, deps.stateMachineArn, name, input);
}

/** Dependencies from the environment: STATE_MACHINE_ARN (the SDK reads region and endpoint itself). */
export function startFromS3Dependencies(env: Record<string, string | undefined>): StartFromS3Dependencies {
  const stateMachineArn = requiredEnv(env, 'STATE_MACHINE_ARN');
  const sfn = new SFNClient({});
  return { sfn, stateMachineArn, release: () => sfn.destroy() };
}
