/**
 * Step Functions' own events on the default bus: "Step Functions Execution Status Change", sent
 * when an execution starts and when it ends, in the shape EventBridge delivers them, built from
 * the engine's status changes.
 */
import type { ExecutionStatusChange } from '../../engine/engine.ts';
import { eventId, eventTime, type EventBridgeEvent } from './s3-events.ts';

const TERMINAL_REDRIVABLE: readonly string[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/**
 * The EventBridge event for an execution's status change. `startDate`, `stopDate` and
 * `redriveDate` are epoch milliseconds, `input` and `output` JSON text, as AWS sends them.
 *
 * @example
 * executionStatusEvent(change, { account: '123456789012', region: 'us-east-1' })
 * // { source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: { executionArn, status: 'SUCCEEDED', ... } }
 */
export function executionStatusEvent(c: ExecutionStatusChange, at: { account: string; region: string }): EventBridgeEvent {
  const ended = c.status !== 'RUNNING';
  const time = ended && c.stopMs !== null ? c.stopMs : (c.redriveMs ?? c.startMs);
  const redrivable = TERMINAL_REDRIVABLE.includes(c.status);
  return {
    version: '0',
    id: eventId(`states:${c.executionArn}:${c.status}:${c.redriveCount}`),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: at.account,
    time: eventTime(time),
    region: at.region,
    resources: [c.executionArn],
    detail: {
      executionArn: c.executionArn,
      stateMachineArn: c.stateMachineArn,
      name: c.name,
      status: c.status,
      startDate: c.startMs,
      stopDate: ended ? c.stopMs : null,
      input: c.input,
      output: c.status === 'SUCCEEDED' ? c.output : null,
      inputDetails: { included: true },
      outputDetails: c.status === 'SUCCEEDED' ? { included: true } : null,
      error: c.error,
      cause: c.cause,
      redriveCount: c.redriveCount,
      redriveDate: c.redriveMs,
      redriveStatus: redrivable ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
      redriveStatusReason: redrivable ? null : c.status === 'RUNNING' ? 'Execution is RUNNING and cannot be redriven' : 'Execution is SUCCEEDED and cannot be redriven',
    },
  };
}
