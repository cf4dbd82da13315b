/**
 * EventBridge Scheduler for the local stack: a schedule fires on its expression (rate, cron with
 * a time zone, or a one-time at()) on the engine's clock, and starts an execution of its state
 * machine (StartExecution with its input) or invokes its function asynchronously. On a virtual
 * clock a tick fires when the clock passes it (a test sleeps, a workflow waits); the clock never
 * jumps to a tick by itself, or an idle stack would run from night to night forever.
 *
 * Scheduler delivers at least once. A state machine target's execution is named after the schedule
 * and the tick's scheduled time (`<schedule>-<yyyyMMddTHHmmssZ>`), so a tick delivered twice
 * starts one execution: StartExecution's ExecutionAlreadyExists counts as delivered. A function
 * target gets every delivery, as on AWS.
 *
 * The input may hold Scheduler's context attributes, replaced at each tick:
 * `<aws.scheduler.schedule-arn>`, `<aws.scheduler.scheduled-time>`, `<aws.scheduler.execution-id>`
 * and `<aws.scheduler.attempt-number>`.
 */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../../engine/json.ts';
import { ApiError, type Engine } from '../../engine/engine.ts';
import type { TimerHandle } from '../../engine/runtime/clock.ts';
import { parseSchedulerExpression, type Schedule } from './schedule-expression.ts';
import type { FunctionTarget } from './rules.ts';

/** A schedule (AWS::Scheduler::Schedule) as the stack config names it. */
export interface ScheduleConfig {
  name: string;
  /** `rate(5 minutes)`, `cron(0 9 ? * MON-FRI *)`, `at(2025-01-31T09:00:00)` */
  expression: string;
  /** IANA time zone for cron and at (default UTC) */
  timezone?: string;
  state?: 'ENABLED' | 'DISABLED';
  /** the target: one of the config's state machines (name) or functions */
  stateMachine?: string;
  function?: string;
  /** the target's input; strings may hold `<aws.scheduler.*>` context attributes */
  input?: JsonValue;
}

/** A schedule with its target resolved. */
export interface ScheduledTarget extends Omit<ScheduleConfig, 'stateMachine'> {
  stateMachineArn?: string;
}

/** A schedule Scheduler would refuse. */
export class InvalidSchedule extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

interface Entry {
  target: ScheduledTarget;
  schedule: Schedule;
  timer?: TimerHandle;
}

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

/**
 * The local stack's schedules.
 *
 * @example
 * const schedules = new Schedules({ engine, invokeFunction });
 * schedules.put({ name: 'nightly', expression: 'cron(0 2 * * ? *)', timezone: 'Europe/Paris', stateMachineArn });
 * schedules.close();
 */
export class Schedules {
  private readonly engine: Engine;
  private readonly invokeFunction: FunctionTarget | undefined;
  private readonly entries = new Map<string, Entry>();
  private readonly deliveries = new Set<Promise<void>>();
  private closed = false;

  constructor(opts: { engine: Engine; invokeFunction?: FunctionTarget }) {
    this.engine = opts.engine;
    this.invokeFunction = opts.invokeFunction;
  }

  /** Adds or replaces a schedule; a rate counts from now. */
  put(target: ScheduledTarget): void {
    if (!NAME.test(target.name)) throw new InvalidSchedule(`Schedule name '${target.name}' is not valid`);
    if ((target.stateMachineArn === undefined) === (target.function === undefined)) throw new InvalidSchedule(`Schedule ${target.name} must have exactly one target: a state machine or a function`);
    if (target.function !== undefined && !this.invokeFunction) throw new InvalidSchedule(`Schedule ${target.name} targets a function, but no Lambda runtime is connected`);
    const now = this.engine.scheduler.now();
    const schedule = parseSchedulerExpression(target.expression, now, target.timezone);
    this.entries.get(target.name)?.timer?.cancel();
    const entry: Entry = { target, schedule };
    this.entries.set(target.name, entry);
    if (target.state !== 'DISABLED') this.arm(entry, now);
  }

  /** The names and next fire times of the schedules (undefined: disabled or done). */
  list(): { name: string; next: number | undefined }[] {
    return [...this.entries.values()].map((e) => ({ name: e.target.name, next: e.timer?.at }));
  }

  /**
   * Delivers the tick of `name` scheduled for `scheduledMs`, as Scheduler does at each fire time;
   * answers the execution ARN a state machine target names (started now or before). Delivering
   * the same tick again is what Scheduler's at-least-once delivery may do.
   */
  deliver(name: string, scheduledMs: number, attempt = 1): string | undefined {
    const entry = this.entries.get(name);
    if (!entry) throw new InvalidSchedule(`Schedule ${name} does not exist`);
    const { target } = entry;
    const executionId = deterministicId(`${name}:${scheduledMs}`);
    const input = JSON.stringify(withContext(target.input ?? {}, {
      '<aws.scheduler.schedule-arn>': `arn:aws:scheduler:${this.engine.region}:${this.engine.accountId}:schedule/default/${name}`,
      '<aws.scheduler.scheduled-time>': new Date(scheduledMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      '<aws.scheduler.execution-id>': executionId,
      '<aws.scheduler.attempt-number>': String(attempt),
    }));
    if (target.stateMachineArn !== undefined) return this.start(target, target.stateMachineArn, executionName(name, scheduledMs), input);
    const delivery = this.invoke(target, JSON.parse(input) as JsonValue);
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
    return undefined;
  }

  /** Resolves once every function delivery under way has ended. */
  async settled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  /** Cancels every schedule. */
  close(): void {
    this.closed = true;
    for (const e of this.entries.values()) e.timer?.cancel();
  }

  private arm(entry: Entry, after: number): void {
    if (this.closed) return;
    const at = entry.schedule.next(after);
    entry.timer = undefined;
    if (at === undefined) return;
    const scheduler = this.engine.scheduler;
    // passive: on a virtual clock a tick fires when the clock passes it (a test sleeps, a workflow
    // waits), but an idle stack's clock does not jump from tick to tick forever
    entry.timer = scheduler.setTimeout(() => {
      if (this.entries.get(entry.target.name) !== entry) return;
      this.deliver(entry.target.name, at);
      this.arm(entry, at);
    }, at - scheduler.now(), { passive: true });
  }

  private start(target: ScheduledTarget, stateMachineArn: string, name: string, input: string): string | undefined {
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      return this.engine.startExecution({ stateMachineArn, name, input }).executionArn;
    } catch (e) {
      // this tick was delivered before: Scheduler takes the existing execution as delivered
      if (e instanceof ApiError && e.type === 'ExecutionAlreadyExists') return executionArn;
      process.emitWarning(`schedule ${target.name} could not start ${stateMachineArn}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private async invoke(target: ScheduledTarget, payload: JsonValue): Promise<void> {
    try {
      const answer = await this.invokeFunction!(target.function!, payload);
      if (answer.functionError && !this.closed) process.emitWarning(`schedule ${target.name}: the function ${target.function} failed: ${answer.payload ?? answer.functionError}`);
    } catch (e) {
      if (!this.closed) process.emitWarning(`schedule ${target.name} could not invoke ${target.function}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * `<schedule>-<yyyyMMddTHHmmssZ>`, cut to Step Functions' 80 characters keeping the time.
 *
 * @example
 * executionName('hourly', Date.UTC(2024, 0, 1, 0, 5)) // 'hourly-20240101T000500Z'
 */
export function executionName(schedule: string, scheduledMs: number): string {
  const stamp = new Date(scheduledMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${schedule.slice(0, 80 - stamp.length - 1)}-${stamp}`;
}

function withContext(value: JsonValue, attributes: Record<string, string>): JsonValue {
  if (typeof value === 'string') return value.replace(/<aws\.scheduler\.[a-z-]+>/g, (a) => attributes[a] ?? a);
  if (Array.isArray(value)) return value.map((v) => withContext(v, attributes));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withContext(v, attributes)]));
  return value;
}

/** A UUID-shaped id that is the same for the same tick, as a redelivered tick keeps its execution id. */
function deterministicId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
