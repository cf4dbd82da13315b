/**
 * Activities as the engine runs them: a Task whose Resource is an activity ARN queues its task
 * (input and token) in the store, and waits on its token like a `.waitForTaskToken` task; a worker
 * takes the task with GetActivityTask (a long poll) and answers with SendTaskSuccess, SendTaskFailure
 * and SendTaskHeartbeat. The queue is a table, so a task survives a restart whether or not a worker
 * took it; the waiting pollers are this process's own, woken when a task is queued.
 */
import type { JsonValue } from '../json.ts';
import { parseResourceArn } from '../definition/resource-arn.ts';
import { payloadText } from '../history/events.ts';
import type { Store } from '../store/sqlite.ts';
import { ApiError } from '../api-error.ts';
import type { Scheduler } from './clock.ts';
import { TaskFailure, type TaskFlavor, type TaskIntegration, type TaskRequest } from './integrations.ts';

/**
 * What the activity integration answers once the task is queued: the task's result is then the
 * token's answer. Anything else (a mocked response, which interceptors give before any
 * integration runs) is the result itself.
 */
export const ACTIVITY_QUEUED: JsonValue = Object.freeze({ queued: 'activity' }) as JsonValue;

/** How long GetActivityTask holds a poll when no task comes, as AWS does. */
export const ACTIVITY_POLL_MS = 60_000;

/**
 * The engine's own integration for activity ARNs: queues the task for a worker. Its result is the
 * token's answer, which the runner waits for (the task's token is issued by the Task state).
 */
export class ActivityIntegration implements TaskIntegration {
  private readonly store: Store;
  private readonly scheduler: Scheduler;
  private readonly polls: ActivityPolls;

  constructor(opts: { store: Store; scheduler: Scheduler; polls: ActivityPolls }) {
    this.store = opts.store;
    this.scheduler = opts.scheduler;
    this.polls = opts.polls;
  }

  flavor(resource: string): TaskFlavor | undefined {
    return parseResourceArn(resource)?.kind === 'activity' ? { kind: 'activity', resource } : undefined;
  }

  invoke(request: TaskRequest): Promise<JsonValue> {
    if (!this.store.getActivity(request.resource)) {
      return Promise.reject(new TaskFailure('States.Runtime', `Activity does not exist: '${request.resource}'`));
    }
    if (request.taskToken === undefined) return Promise.reject(new TaskFailure('States.Runtime', 'An activity task needs a task token'));
    // queued again when a resumed task is invoked again: the same token is the same task
    this.store.queueActivityTask({
      token: request.taskToken, activityArn: request.resource, executionArn: request.executionArn,
      input: payloadText(request.parameters), createdMs: this.scheduler.now(),
    });
    this.polls.wake(request.resource);
    return Promise.resolve(ACTIVITY_QUEUED);
  }
}

/**
 * The GetActivityTask calls waiting for a task, by activity ARN. A wait ends when a task is
 * queued for its activity (true), when its time is up or its signal aborts (false), or when the
 * engine stops (false, for every wait at once).
 */
export class ActivityPolls {
  private readonly waiting = new Map<string, Set<(woken: boolean) => void>>();
  private stopped = false;

  /** When a poll that starts now and waits `ms` at most gives up (real time: a poll is the client's time, not the execution's). */
  deadline(ms: number): number {
    return Date.now() + ms;
  }

  /** Resolves true when a task may have been queued for `activityArn`, false at `deadline` or once `signal` aborts. */
  wait(activityArn: string, deadline: number, signal?: AbortSignal): Promise<boolean> {
    const ms = deadline - Date.now();
    if (this.stopped || signal?.aborted || ms <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let set = this.waiting.get(activityArn);
      if (!set) this.waiting.set(activityArn, (set = new Set()));
      const waiters = set;
      const done = (woken: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(activityArn) === waiters) this.waiting.delete(activityArn);
        resolve(woken);
      };
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(done);
    });
  }

  /** A task was queued for `activityArn`: every poll of it looks again. */
  wake(activityArn: string): void {
    for (const done of [...(this.waiting.get(activityArn) ?? [])]) done(true);
  }

  /** The engine stops: every poll answers now, with no task, and none waits from here on. */
  stop(): void {
    this.stopped = true;
    for (const set of [...this.waiting.values()]) for (const done of [...set]) done(false);
  }

  /** How many polls wait now. */
  get size(): number {
    let n = 0;
    for (const set of this.waiting.values()) n += set.size;
    return n;
  }
}

/** What GetActivityTask needs from the engine around it. */
export interface ActivityDeskHost {
  store: Store;
  polls: ActivityPolls;
  /** how long a poll waits for a task (ms) */
  pollMs: number;
  /** the engine halted or closed: no poll hands out a task any longer */
  stopped(): boolean;
  /** commits what is pending, so that the queue read from the store is whole */
  durable(): void;
  /** a worker took the task of `token`: its execution records ActivityStarted (throws TaskDoesNotExist once the task ended) */
  started(token: string, workerName: string): void;
}

/**
 * GetActivityTask: hands the oldest task of an activity that no worker has taken to this worker,
 * else waits for one (a long poll on a real timer, never blocking the event loop).
 */
export class ActivityDesk {
  private readonly host: ActivityDeskHost;

  constructor(host: ActivityDeskHost) {
    this.host = host;
  }

  async take(activityArn: string, workerName: string, signal?: AbortSignal): Promise<{ taskToken: string; input: string } | undefined> {
    const { store, polls } = this.host;
    const deadline = polls.deadline(this.host.pollMs);
    for (;;) {
      if (this.host.stopped()) return undefined;
      this.host.durable();
      const task = store.nextActivityTask(activityArn);
      if (task && store.takeActivityTask(task.token, workerName)) {
        try {
          this.host.started(task.token, workerName);
          return { taskToken: task.token, input: task.input };
        } catch (e) {
          // its task ended between the read and the hand-out: look for the next
          if (!(e instanceof ApiError && e.type === 'TaskDoesNotExist')) throw e;
          continue;
        }
      }
      if (task) continue;
      if (!(await polls.wait(activityArn, deadline, signal))) return undefined;
    }
  }
}
