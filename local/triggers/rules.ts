/**
 * EventBridge rules for the local stack: a rule takes the events its pattern matches, or fires on
 * its schedule, and starts an execution of its state machine with the event as input, or invokes
 * its Lambda function with it (asynchronously, as EventBridge does, retried twice on failure).
 *
 * Schedules run on the engine's clock (`engine.scheduler`), so on a virtual clock a
 * `rate(1 hour)` rule fires each virtual hour as the clock jumps. S3 "Object Created" events come
 * from the local services' object-created announcements (`connectS3`), not from polling; Step
 * Functions' "Execution Status Change" events from the engine's status changes
 * (`connectExecutions`); the events a workflow puts (`events:putEvents`) through `dispatch`.
 *
 * Each execution is named after its rule and event (a schedule tick after the rule and the tick's
 * time), so the same event delivered twice starts one execution, as EventBridge's at-least-once
 * delivery into Step Functions' idempotent StartExecution does. A function target gets every
 * delivery, duplicates included: de-duplicating is the function's job (start-from-s3 names its
 * execution after the object version), as it is on AWS.
 */
import type { JsonValue } from '../../engine/json.ts';
import { ApiError, type Engine } from '../../engine/engine.ts';
import type { TimerHandle } from '../../engine/runtime/clock.ts';
import type { LocalServices } from '../services/local-services.ts';
import { checkEventPattern, matchesEventPattern, type EventPattern } from './event-pattern.ts';
import { eventId, eventTime, objectCreatedEvent, type EventBridgeEvent } from './s3-events.ts';
import { executionStatusEvent } from './execution-events.ts';
import { parseSchedule, type Schedule } from './schedule-expression.ts';
import { targetInput, type InputTransformer } from './target-input.ts';

export interface EventRule {
  /** letters, digits, `.`, `-` and `_`, up to 64 characters, as EventBridge allows */
  name: string;
  /** the events this rule takes */
  eventPattern?: EventPattern;
  /** `rate(...)` or `cron(...)`: when this rule fires by itself */
  scheduleExpression?: string;
  /** the state machine each event or tick starts (this or `functionName`) */
  stateMachineArn?: string;
  /** the Lambda function each event or tick invokes (this, `stateMachineArn` or `queueUrl`) */
  functionName?: string;
  /** the SQS queue each event or tick is sent to, by its URL */
  queueUrl?: string;
  /** a constant input in place of the event (the target's Input) */
  input?: JsonValue;
  /** the part of the event the target gets (the target's InputPath) */
  inputPath?: string;
  /** the target's input built from the event (the target's InputTransformer) */
  inputTransformer?: InputTransformer;
}

/** Invokes a function asynchronously with an event; rejects or answers `functionError` when it failed. */
export type FunctionTarget = (functionName: string, event: JsonValue) => Promise<{ functionError?: string; payload?: string }>;

/** Sends a message to a queue (a FIFO queue gets the rule as its group and the event as its deduplication id). */
export type QueueTarget = (queueUrl: string, body: string, ids: { groupId: string; deduplicationId: string }) => Promise<void>;

/** How often a failed function or queue delivery is tried again (EventBridge's asynchronous Lambda invoke retries twice). */
const FUNCTION_RETRIES = 2;

/** An execution a rule started. */
export interface RuleExecution {
  rule: string;
  executionArn: string;
  event: EventBridgeEvent;
}

/** A rule EventBridge would refuse. */
export class InvalidRule extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

interface RuleEntry {
  rule: EventRule;
  schedule?: Schedule;
  timer?: TimerHandle;
}

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/**
 * The rules of the local stack's default event bus.
 *
 * @example
 * const rules = new EventRules({ engine });
 * rules.put({ name: 'on-upload', eventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'],
 *   detail: { bucket: { name: ['inbox'] }, object: { key: [{ suffix: '.csv' }] } } }, stateMachineArn });
 * rules.put({ name: 'nightly', scheduleExpression: 'cron(0 2 * * ? *)', stateMachineArn });
 * const disconnect = rules.connectS3(services);
 */
export class EventRules {
  private readonly engine: Engine;
  private readonly account: string;
  private readonly region: string;
  private readonly rules = new Map<string, RuleEntry>();
  private readonly listeners = new Set<(e: RuleExecution) => void>();
  private readonly invokeFunction: FunctionTarget | undefined;
  private readonly sendToQueue: QueueTarget | undefined;
  private readonly deliveries = new Set<Promise<void>>();
  private closed = false;

  constructor(opts: { engine: Engine; account?: string; region?: string; invokeFunction?: FunctionTarget; sendToQueue?: QueueTarget }) {
    this.engine = opts.engine;
    this.invokeFunction = opts.invokeFunction;
    this.sendToQueue = opts.sendToQueue;
    this.account = opts.account ?? opts.engine.accountId;
    this.region = opts.region ?? opts.engine.region;
  }

  /** Adds or replaces a rule; a schedule starts counting now. */
  put(rule: EventRule): void {
    if (!RULE_NAME.test(rule.name)) throw new InvalidRule(`Rule name '${rule.name}' is not valid`);
    if (!rule.eventPattern && !rule.scheduleExpression) throw new InvalidRule('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    if ([rule.stateMachineArn, rule.functionName, rule.queueUrl].filter((t) => t !== undefined).length !== 1) throw new InvalidRule(`Rule ${rule.name} must have exactly one target: a state machine, a function or a queue`);
    if (rule.queueUrl !== undefined && !this.sendToQueue) throw new InvalidRule(`Rule ${rule.name} targets the queue ${rule.queueUrl}, but no SQS is connected`);
    if (rule.functionName !== undefined && !this.invokeFunction) throw new InvalidRule(`Rule ${rule.name} targets the function ${rule.functionName}, but no Lambda runtime is connected`);
    if (rule.eventPattern) checkEventPattern(rule.eventPattern);
    const schedule = rule.scheduleExpression ? parseSchedule(rule.scheduleExpression, this.engine.scheduler.now()) : undefined;
    this.remove(rule.name);
    const entry: RuleEntry = { rule, schedule };
    this.rules.set(rule.name, entry);
    if (schedule) this.arm(entry, this.engine.scheduler.now());
  }

  remove(name: string): void {
    const entry = this.rules.get(name);
    entry?.timer?.cancel();
    this.rules.delete(name);
  }

  list(): EventRule[] {
    return [...this.rules.values()].map((e) => e.rule);
  }

  /** Calls `listener` with every execution a rule starts; returns the function that stops it. */
  onExecution(listener: (e: RuleExecution) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Delivers an event to every rule whose pattern matches it (PutEvents); answers the executions
   * state-machine targets started. Function targets are invoked in the background (`settled()`).
   */
  dispatch(event: EventBridgeEvent): RuleExecution[] {
    const started: RuleExecution[] = [];
    if (this.closed) return started;
    for (const { rule } of this.rules.values()) {
      if (!rule.eventPattern || !matchesEventPattern(rule.eventPattern, event)) continue;
      const r = this.deliver(rule, event, eventId(`${rule.name}:${event.id}`));
      if (r) started.push(r);
    }
    return started;
  }

  /** Resolves once every function delivery under way has ended (succeeded or given up). */
  async settled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  /** Routes the local S3's object-created announcements as "Object Created" events. */
  connectS3(services: Pick<LocalServices, 'onObjectCreated'>): () => void {
    return services.onObjectCreated((o) => {
      this.dispatch(objectCreatedEvent(o, { account: this.account, region: this.region, timeMs: this.engine.scheduler.now() }));
    });
  }

  /**
   * Sends Step Functions' "Execution Status Change" event to the rules each time an execution of
   * the engine starts or ends, as AWS sends it to the default bus.
   */
  connectExecutions(): () => void {
    return this.engine.onExecutionStatusChange((change) => {
      this.dispatch(executionStatusEvent(change, { account: this.account, region: this.region }));
    });
  }

  /** Cancels every schedule. */
  close(): void {
    this.closed = true;
    for (const e of this.rules.values()) e.timer?.cancel();
  }

  private arm(entry: RuleEntry, after: number): void {
    if (this.closed) return;
    const at = entry.schedule!.next(after);
    if (at === undefined) return;
    const scheduler = this.engine.scheduler;
    entry.timer = scheduler.setTimeout(() => {
      if (this.rules.get(entry.rule.name) !== entry) return;
      this.deliver(entry.rule, this.scheduledEvent(entry.rule, at), `${entry.rule.name}-${at}`);
      this.arm(entry, at);
    }, at - scheduler.now());
  }

  private scheduledEvent(rule: EventRule, at: number): EventBridgeEvent {
    return {
      version: '0',
      id: eventId(`schedule:${rule.name}:${at}`),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.account,
      time: eventTime(at),
      region: this.region,
      resources: [`arn:aws:events:${this.region}:${this.account}:rule/${rule.name}`],
      detail: {},
    };
  }

  private deliver(rule: EventRule, event: EventBridgeEvent, name: string): RuleExecution | undefined {
    if (rule.stateMachineArn !== undefined) return this.start(rule, rule.stateMachineArn, event, name);
    const input = this.inputFor(rule, event);
    const delivery = rule.queueUrl !== undefined
      ? this.retrying(rule, `the queue ${rule.queueUrl}`, async () => {
        await this.sendToQueue!(rule.queueUrl!, typeof input === 'string' ? input : JSON.stringify(input), { groupId: rule.name, deduplicationId: event.id });
        return undefined;
      })
      : this.invoke(rule, rule.functionName!, input);
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
    return undefined;
  }

  private inputFor(rule: EventRule, event: EventBridgeEvent): JsonValue {
    return targetInput(event as unknown as JsonValue, rule, { ruleName: rule.name, ruleArn: `arn:aws:events:${this.region}:${this.account}:rule/${rule.name}` });
  }

  private invoke(rule: EventRule, functionName: string, payload: JsonValue): Promise<void> {
    return this.retrying(rule, `the function ${functionName}`, async () => {
      const answer = await this.invokeFunction!(functionName, payload);
      return answer.functionError ? (answer.payload ?? answer.functionError) : undefined;
    });
  }

  /** Tries a delivery, and twice again when it fails (`attempt` answers the problem, or undefined when delivered). */
  private async retrying(rule: EventRule, target: string, attempt: () => Promise<string | undefined>): Promise<void> {
    let problem: string | undefined = '';
    for (let n = 0; n <= FUNCTION_RETRIES && !this.closed; n++) {
      try {
        problem = await attempt();
        if (problem === undefined) return;
      } catch (e) {
        problem = e instanceof Error ? e.message : String(e);
      }
    }
    // EventBridge gives up after its retries (to a dead-letter queue when one is set); locally, say so
    if (!this.closed) process.emitWarning(`rule ${rule.name} could not deliver to ${target}: ${problem}`);
  }

  private start(rule: EventRule, stateMachineArn: string, event: EventBridgeEvent, name: string): RuleExecution | undefined {
    const input = JSON.stringify(this.inputFor(rule, event));
    if (this.startedBefore(stateMachineArn, name)) return undefined;
    let executionArn: string;
    try {
      executionArn = this.engine.startExecution({ stateMachineArn, name, input }).executionArn;
    } catch (e) {
      // delivered before: the same event starts one execution
      if (e instanceof ApiError && e.type === 'ExecutionAlreadyExists') return undefined;
      // EventBridge would retry and give up; locally, say so and keep the other rules going
      process.emitWarning(`rule ${rule.name} could not start ${stateMachineArn}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    const started = { rule: rule.name, executionArn, event };
    for (const l of this.listeners) l(started);
    return started;
  }

  /** Whether this event already started its execution (StartExecution would answer it again while it runs). */
  private startedBefore(stateMachineArn: string, name: string): boolean {
    try {
      this.engine.describeExecution(`${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`);
      return true;
    } catch (e) {
      if (e instanceof ApiError) return false;
      throw e;
    }
  }
}
