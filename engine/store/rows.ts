/**
 * The store's rows as the engine reads them, and their decoding from SQLite's columns: plain data,
 * no SQL (the statements are in sqlite.ts).
 */

export const ExecutionStatus = {
  Running: 'RUNNING',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Aborted: 'ABORTED',
  PendingRedrive: 'PENDING_REDRIVE',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export interface StateMachineRow {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  createdMs: number;
  updatedMs: number;
  /** JSON text: tags, logging configuration, and the like */
  meta: string;
}

export interface ExecutionRow {
  /** the store's integer key; set when the row is first written */
  id?: number;
  arn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** hash of the definition text this execution runs (definitions table) */
  definitionHash: string;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  startMs: number;
  stopMs: number | null;
  redriveCount: number;
  redriveMs: number | null;
  /** the interpreter's resumable state, JSON text; null once the execution has ended */
  snapshot: string | null;
  /** JSON text: roleArn, type, trace header and other descriptive fields */
  meta: string;
}

/** An activity (CreateActivity); `meta` is JSON text: tags, encryption configuration. */
export interface ActivityRow {
  arn: string;
  name: string;
  createdMs: number;
  meta: string;
}

/** A task an activity handed out or is to hand out: `workerName` is null until a worker takes it. */
export interface ActivityTaskRow {
  token: string;
  activityArn: string;
  executionArn: string;
  input: string;
  createdMs: number;
  workerName: string | null;
}

/** A published state machine version: the machine's definition and role as they were. `meta`: description, revisionId, configuration. */
export interface VersionRow {
  arn: string;
  machineArn: string;
  version: number;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  createdMs: number;
  meta: string;
}

/** A state machine alias; `meta` is JSON text: description and routing configuration. */
export interface AliasRow {
  arn: string;
  machineArn: string;
  name: string;
  createdMs: number;
  updatedMs: number;
  meta: string;
}

export type TokenStatus = 'OPEN' | 'DONE';
export interface TokenRow {
  token: string;
  executionArn: string;
  status: TokenStatus;
  /** JSON text of the outcome once SendTaskSuccess/Failure arrived */
  outcome: string | null;
  heartbeatMs: number | null;
}

export function toActivityTask(r: Record<string, unknown>): ActivityTaskRow {
  return {
    token: r.token as string, activityArn: r.activity_arn as string, executionArn: r.execution_arn as string, input: r.input as string,
    createdMs: Number(r.created_ms), workerName: (r.worker_name as string | null) ?? null,
  };
}

export function toVersion(r: Record<string, unknown>): VersionRow {
  return {
    arn: r.arn as string, machineArn: r.machine_arn as string, version: Number(r.version), definition: r.definition as string,
    roleArn: r.role_arn as string, type: r.type as 'STANDARD' | 'EXPRESS', createdMs: Number(r.created_ms), meta: r.meta as string,
  };
}

export function toAlias(r: Record<string, unknown>): AliasRow {
  return {
    arn: r.arn as string, machineArn: r.machine_arn as string, name: r.name as string, createdMs: Number(r.created_ms),
    updatedMs: Number(r.updated_ms), meta: r.meta as string,
  };
}

export function toSm(r: Record<string, unknown>): StateMachineRow {
  return {
    arn: r.arn as string,
    name: r.name as string,
    definition: r.definition as string,
    roleArn: r.role_arn as string,
    type: r.type as 'STANDARD' | 'EXPRESS',
    createdMs: Number(r.created_ms),
    updatedMs: Number(r.updated_ms),
    meta: r.meta as string,
  };
}

export function toExec(r: Record<string, unknown>): ExecutionRow {
  return {
    id: Number(r.id),
    arn: r.arn as string,
    stateMachineArn: r.state_machine_arn as string,
    name: r.name as string,
    status: r.status as ExecutionStatus,
    definitionHash: r.definition_hash as string,
    input: r.input as string,
    output: (r.output as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    cause: (r.cause as string | null) ?? null,
    startMs: Number(r.start_ms),
    stopMs: r.stop_ms == null ? null : Number(r.stop_ms),
    redriveCount: Number(r.redrive_count),
    redriveMs: r.redrive_ms == null ? null : Number(r.redrive_ms),
    snapshot: (r.snapshot as string | null) ?? null,
    meta: r.meta as string,
  };
}
