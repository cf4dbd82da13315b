/**
 * The engine facade's options and the shapes of its requests and answers: plain types, so that
 * engine.ts holds the behaviour alone.
 */
import type { Scheduler } from './runtime/clock.ts';
import type { TaskIntegration } from './runtime/integrations.ts';
import type { EvaluationLimits } from './query/jsonata/index.ts';
import type { ItemSource, ResultSink } from './runtime/map-io.ts';
import type { ExecutionStatus } from './store/sqlite.ts';
import type { StateMachineMeta } from './state-machines.ts';

export interface EngineOptions {
  /** SQLite file, or ':memory:' */
  database?: string;
  scheduler?: Scheduler;
  integrations?: TaskIntegration[];
  uuid?: () => string;
  random?: () => number;
  accountId?: string;
  region?: string;
  /** executions resumeAll() leaves alone: they stay RUNNING in the store, readable and stoppable */
  quarantine?: readonly string[];
  /** how often a commit the store refused is tried again (default 1000 ms) */
  commitRetryMs?: number;
  /** How much work one JSONata expression may do; unset fields take `DEFAULT_EVALUATION_LIMITS`. */
  evaluationLimits?: Partial<EvaluationLimits>;
  /**
   * Called after each commit the store took, before anything waiting on it goes on: the crash
   * test halts the engine here to stop it at every commit point in turn.
   */
  onCommit?: () => void;
  /**
   * an execution whose every frame waits rests in the store (is not resident) when its next
   * wake-up is at least this far ahead on the engine's clock, or only a token can wake it (default 1000 ms)
   */
  restAfterMs?: number;
  /** how long GetActivityTask waits for a task before it answers with none (default 60 s, as AWS) */
  activityPollMs?: number;
  /** where a Distributed Map's ItemReader reads (S3); without one, an ItemReader fails with States.ItemReaderFailed */
  itemSource?: ItemSource;
  /** where a Distributed Map's ResultWriter writes (S3); without one, it fails with States.ResultWriterFailed */
  resultSink?: ResultSink;
}

/**
 * An execution's status as it changed, with what DescribeExecution shows of it then: what
 * EventBridge's "Step Functions Execution Status Change" events carry.
 */
export interface ExecutionStatusChange {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startMs: number;
  stopMs: number | null;
  /** JSON text */
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  redriveCount: number;
  redriveMs: number | null;
}

export interface StartExecutionRequest {
  stateMachineArn: string;
  name?: string;
  /** JSON text, as the API carries it */
  input?: string;
  /** an execution ARN to use (EXPRESS executions carry their own id) */
  executionArn?: string;
}

/** DescribeStateMachineForExecution: the machine as an execution runs it. */
export interface ExecutionStateMachine {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  /** when this definition became the machine's (the execution's start once it was replaced) */
  updatedMs: number;
  meta: StateMachineMeta;
}
