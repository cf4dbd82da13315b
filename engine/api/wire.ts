/**
 * Engine records in the shapes the Step Functions API returns them: field names as AWS documents
 * them, dates as epoch seconds, absent fields left out rather than null.
 */
import type { StateMachineRow, ExecutionRow } from '../store/sqlite.ts';
import type { HistoryEvent } from '../history/events.ts';
import type { StateMachineMeta } from '../engine.ts';
import { epochSeconds } from './protocol.ts';

/** What DescribeStateMachine and DescribeStateMachineForExecution share. */
export function configurations(meta: StateMachineMeta): Record<string, unknown> {
  return {
    loggingConfiguration: meta.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: meta.tracingConfiguration ?? { enabled: false },
  };
}

/** A ListStateMachines item. */
export function stateMachineListItem(sm: StateMachineRow): Record<string, unknown> {
  return { stateMachineArn: sm.arn, name: sm.name, type: sm.type, creationDate: epochSeconds(sm.createdMs) };
}

const REDRIVABLE: ReadonlySet<string> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** The redrive fields of DescribeExecution: which executions RedriveExecution accepts. */
function redrive(row: ExecutionRow): Record<string, unknown> {
  const out: Record<string, unknown> = { redriveCount: row.redriveCount };
  if (row.redriveMs !== null) out.redriveDate = epochSeconds(row.redriveMs);
  if (REDRIVABLE.has(row.status)) out.redriveStatus = 'REDRIVABLE';
  else {
    out.redriveStatus = 'NOT_REDRIVABLE';
    out.redriveStatusReason = `Execution is ${row.status} and cannot be redriven`;
  }
  return out;
}

/** The version (and alias) StartExecution named, for an execution started on one. */
function startedOn(row: ExecutionRow): { stateMachineVersionArn?: string; stateMachineAliasArn?: string } {
  const meta = JSON.parse(row.meta) as { stateMachineVersionArn?: string; stateMachineAliasArn?: string };
  return {
    ...(meta.stateMachineVersionArn !== undefined && { stateMachineVersionArn: meta.stateMachineVersionArn }),
    ...(meta.stateMachineAliasArn !== undefined && { stateMachineAliasArn: meta.stateMachineAliasArn }),
  };
}

/** The DescribeExecution response. */
export function executionDescription(row: ExecutionRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    executionArn: row.arn,
    stateMachineArn: row.stateMachineArn,
    name: row.name,
    status: row.status,
    startDate: epochSeconds(row.startMs),
  };
  if (row.stopMs !== null) out.stopDate = epochSeconds(row.stopMs);
  out.input = row.input;
  out.inputDetails = { included: true };
  if (row.output !== null) {
    out.output = row.output;
    out.outputDetails = { included: true };
  }
  if (row.error !== null) out.error = row.error;
  if (row.cause !== null) out.cause = row.cause;
  Object.assign(out, startedOn(row));
  // a Distributed Map's child execution names its Map Run
  const mapRunArn = (JSON.parse(row.meta) as { mapRunArn?: string }).mapRunArn;
  if (mapRunArn !== undefined) out.mapRunArn = mapRunArn;
  return { ...out, ...redrive(row) };
}

/** A ListExecutions item. */
export function executionListItem(row: ExecutionRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    executionArn: row.arn,
    stateMachineArn: row.stateMachineArn,
    name: row.name,
    status: row.status,
    startDate: epochSeconds(row.startMs),
  };
  if (row.stopMs !== null) out.stopDate = epochSeconds(row.stopMs);
  Object.assign(out, startedOn(row));
  out.redriveCount = row.redriveCount;
  if (row.redriveMs !== null) out.redriveDate = epochSeconds(row.redriveMs);
  return out;
}

/** Payload fields that `includeExecutionData: false` leaves out of history events. */
const PAYLOAD_KEYS: ReadonlySet<string> = new Set(['input', 'inputDetails', 'output', 'outputDetails']);

/** A history event as GetExecutionHistory returns it: the engine's event with its timestamp in epoch seconds. */
export function historyEvent(ev: HistoryEvent, includeExecutionData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in ev) {
    const value = ev[key];
    if (key === 'timestamp') out.timestamp = epochSeconds(ev.timestamp);
    else if (!includeExecutionData && key.endsWith('EventDetails') && value !== null && typeof value === 'object') {
      const details: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (!PAYLOAD_KEYS.has(k)) details[k] = v;
      out[key] = details;
    } else out[key] = value;
  }
  return out;
}
