/**
 * Task tokens as the API answers them: SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat, and
 * the token's way from the interpreter (issued, closed, an outcome already stored) to the store.
 * A token is found in the resident runs' index, or in the store for an execution that rests: it is
 * then loaded with the answer. The answer is committed before the caller hears back, so a restart
 * right after still delivers it. Apart from the Engine facade so that the whole life of a token is
 * read in one place.
 */
import { ApiError } from '../api-error.ts';
import { rememberText } from '../history/events.ts';
import type { JsonValue } from '../json.ts';
import type { ExecutionRun } from './interpreter.ts';
import type { CommitBatcher } from './commits.ts';
import type { Residency } from './residency.ts';
import type { ExecutionRow, Store, TokenRow } from '../store/sqlite.ts';

/** What a task's token was answered with. */
export type TokenOutcome = { output: JsonValue } | { error: string; cause?: string };

export interface TaskTokensHost {
  store: Store;
  commits: CommitBatcher;
  residents: Residency;
  /** throws ServiceUnavailable once the engine is stopping */
  assertRunning(): void;
  /** commits now, or throws the store's failure as an API error */
  commit(): void;
  /** the API error for a change the store could not take */
  unavailable(): Error;
}

export class TaskTokens {
  private readonly host: TaskTokensHost;

  constructor(host: TaskTokensHost) {
    this.host = host;
  }

  /** A task handed out `token`: SendTask* finds its execution, and the store knows whose it is for when it rests. */
  issued(executionArn: string, token: string): void {
    this.host.residents.tokens.set(token, executionArn);
    this.host.commits.tokenOpened(token, executionArn);
  }

  /** The task waiting on `token` is over (answered, timed out, stopped). */
  closed(token: string): void {
    this.host.residents.tokens.delete(token);
    this.host.commits.tokenClosed(token);
  }

  /** The answer the store holds for `token`, if it was answered while its execution rested. */
  storedOutcome(token: string): TokenOutcome | undefined {
    const row = this.host.store.getToken(token);
    return row?.outcome ? (JSON.parse(row.outcome) as TokenOutcome) : undefined;
  }

  succeed(token: string, output: string): void {
    let value: JsonValue;
    try {
      value = JSON.parse(output) as JsonValue;
    } catch {
      throw new ApiError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    rememberText(value, output);
    this.settle(token, { output: value });
  }

  fail(token: string, error?: string, cause?: string): void {
    this.settle(token, { error: error ?? '', cause });
  }

  heartbeat(token: string): void {
    this.host.assertRunning();
    const found = this.find(token);
    if ('run' in found) {
      // a run just loaded has not reached its task again: the new deadline waits in its frame
      if (!found.run.heartbeat(token) && found.run.heartbeatStored(token)) this.host.commits.markDirty(found.run.info.executionArn);
      return;
    }
    // a resting execution: the new deadline goes into its snapshot, and it rests again with it
    if (!found.resting.run.heartbeatStored(token)) throw new ApiError('TaskDoesNotExist', 'Task Timed Out or Does Not Exist');
    this.host.residents.load(found.resting.row, found.resting.run, true);
    this.host.commit();
  }

  /**
   * GetActivityTask gave the activity task waiting on `token` to a worker (the store already says
   * so): its execution records ActivityStarted, at once when resident, once loaded when it rests.
   * Throws TaskDoesNotExist when no task waits on the token any longer.
   */
  activityStarted(token: string, workerName: string): void {
    const found = this.find(token);
    if ('run' in found) {
      // a run just loaded has not reached its task again: it reads the worker from the store when it does
      if (found.run.activityStarted(token, workerName)) this.host.commit();
      return;
    }
    this.host.residents.load(found.resting.row, found.resting.run);
  }

  /**
   * The execution waiting on `token`, resident or resting in the store: InvalidToken when it is
   * not one the engine could have issued, TaskDoesNotExist when no running task waits on it.
   */
  private find(token: string): { run: ExecutionRun } | { resting: { row: ExecutionRow; run: ExecutionRun } } {
    if (!/^[A-Za-z0-9-]{10,1024}$/.test(token)) throw new ApiError('InvalidToken', `Invalid Token: '${token}'`);
    const arn = this.host.residents.tokens.get(token);
    const r = arn ? this.host.residents.running.get(arn) : undefined;
    if (r) return { run: r.run };
    const stored = this.host.store.getToken(token);
    const resting = stored?.status === 'OPEN' ? this.host.residents.restingRun(stored.executionArn) : undefined;
    if (!resting || !resting.run.awaitsToken(token)) throw new ApiError('TaskDoesNotExist', 'Task Timed Out or Does Not Exist');
    return { resting };
  }

  private settle(token: string, outcome: TokenOutcome): void {
    this.host.assertRunning();
    const found = this.find(token);
    const run = 'run' in found ? found.run : found.resting.run;
    // the outcome is durable before the caller hears back: a restart right after still delivers it
    const row: TokenRow = { token, executionArn: run.info.executionArn, status: 'DONE', outcome: JSON.stringify(outcome), heartbeatMs: null };
    // not acknowledged when the store refuses it: the caller sends it again
    if (!this.host.commits.writeToken(row)) throw this.host.unavailable();
    // a resting execution, once loaded, finds the stored outcome where its task waits
    if (!('run' in found)) this.host.residents.load(found.resting.row, found.resting.run);
    // a run just loaded has not reached its task again: it finds the stored outcome when it does
    else if (!run.settleToken(token, outcome) && !run.awaitsToken(token)) throw new ApiError('TaskDoesNotExist', 'Task Timed Out or Does Not Exist');
  }
}
