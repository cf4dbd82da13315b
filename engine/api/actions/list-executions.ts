/**
 * ListExecutions: a state machine's executions, newest first, by status and redrive filters, paged.
 * A version or alias ARN lists the executions started on that version or alias.
 */
import { ApiError } from '../../engine.ts';
import type { ExecutionRow } from '../../store/sqlite.ts';
import { checkArn, ResourceType, stateMachineArn } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { optionalEnum, optionalString, pageSize, pageToken, readPageToken, validationError } from '../protocol.ts';
import { executionListItem } from '../wire.ts';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;

/** A page token: the start and ARN of the last execution of the page before. */
type Position = { startMs: number; arn: string };
const isPosition = (v: unknown): v is Position =>
  typeof v === 'object' && v !== null && typeof (v as Position).startMs === 'number' && typeof (v as Position).arn === 'string';

export const listExecutions: Action = (req, { engine }) => {
  const smArn = optionalString(req, 'stateMachineArn', 256);
  const mapRunArn = optionalString(req, 'mapRunArn', 2000);
  if (mapRunArn !== undefined) {
    // a Map Run's child executions, newest first, paged by position
    checkArn(mapRunArn, [ResourceType.MapRun]);
    const rows = engine.listMapRunExecutions(mapRunArn, { status: optionalEnum(req, 'statusFilter', STATUSES) });
    const size = pageSize(req);
    const from = readPageToken(optionalString(req, 'nextToken', 3096), (v): v is number => Number.isInteger(v)) ?? 0;
    return {
      executions: rows.slice(from, from + size).map((r) => ({ ...executionListItem(r), mapRunArn })),
      ...(from + size < rows.length && { nextToken: pageToken(from + size) }),
    };
  }
  if (smArn === undefined) throw validationError("Value null at 'stateMachineArn' failed to satisfy constraint: Must provide a StateMachine ARN or MapRun ARN");
  stateMachineArn(smArn);
  const qualified = engine.store.getVersion(smArn)?.machineArn ?? engine.store.getAlias(smArn)?.machineArn;
  const sm = engine.getStateMachine(qualified ?? smArn);
  const startedOn = (row: ExecutionRow): boolean => {
    if (qualified === undefined) return true;
    const meta = JSON.parse(row.meta) as { stateMachineVersionArn?: string; stateMachineAliasArn?: string };
    return meta.stateMachineVersionArn === smArn || meta.stateMachineAliasArn === smArn;
  };
  if (sm.type === 'EXPRESS') throw new ApiError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
  const status = optionalEnum(req, 'statusFilter', STATUSES);
  const redrive = optionalEnum(req, 'redriveFilter', ['REDRIVEN', 'NOT_REDRIVEN'] as const);
  const size = pageSize(req);
  let after = readPageToken(optionalString(req, 'nextToken', 3096), isPosition);
  // the redrive and version filters are applied here, so a page may take several reads to fill
  const page: ExecutionRow[] = [];
  for (;;) {
    const rows = engine.listExecutions({ stateMachineArn: sm.arn, status, limit: size + 1, after });
    for (const row of rows) {
      if ((redrive === undefined || (redrive === 'REDRIVEN') === row.redriveCount > 0) && startedOn(row)) page.push(row);
    }
    if (rows.length <= size || page.length > size) break;
    const last = rows[rows.length - 1];
    after = { startMs: last.startMs, arn: last.arn };
  }
  const items = page.slice(0, size);
  const last = items.at(-1);
  return {
    executions: items.map(executionListItem),
    ...(page.length > size && last && { nextToken: pageToken({ startMs: last.startMs, arn: last.arn }) }),
  };
};
