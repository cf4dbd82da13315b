/**
 * StartSyncExecution: runs an Express execution to its end and answers with its outcome.
 *
 * Caveat: the SDK sends this action to the `sync-` host prefix (`sync-127.0.0.1`), which does not
 * resolve; clients of a local endpoint set `disableHostPrefix: true` (SDK v3) or
 * `AWS_DISABLE_HOST_PREFIX_INJECTION=true` (CLI, boto3). The server answers loopback Host names only
 * (request-guard.ts), so a `sync-` name mapped to 127.0.0.1 by hand is refused too.
 */
import { ApiError } from '../../engine.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, optionalEnum } from '../protocol.ts';
import { startRequest } from './start-execution.ts';

export const startSyncExecution: Action = async (req, { engine }) => {
  const request = startRequest(req);
  const metadataOnly = optionalEnum(req, 'includedData', ['ALL_DATA', 'METADATA_ONLY'] as const) === 'METADATA_ONLY';
  const { sm } = engine.versions.startTarget(request.stateMachineArn.split('#')[0]);
  if (sm.type !== 'EXPRESS') throw new ApiError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
  const { executionArn } = engine.startExecution(request);
  await engine.waitFor(executionArn);
  const row = engine.describeExecution(executionArn);
  const stopMs = row.stopMs ?? row.startMs;
  const out: Record<string, unknown> = {
    executionArn, stateMachineArn: row.stateMachineArn, name: row.name,
    startDate: epochSeconds(row.startMs), stopDate: epochSeconds(stopMs), status: row.status,
  };
  if (row.error !== null) out.error = row.error;
  if (row.cause !== null) out.cause = row.cause;
  if (!metadataOnly) {
    out.input = row.input;
    out.inputDetails = { included: true };
    if (row.output !== null) {
      out.output = row.output;
      out.outputDetails = { included: true };
    }
  }
  out.billingDetails = { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((stopMs - row.startMs) / 100) * 100) };
  return out;
};
