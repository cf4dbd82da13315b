/**
 * EventBridge rules: events matching a rule's pattern, and ticks of its schedule, start
 * executions of its state machine with the event as input.
 */
import { describe, it, expect, jest } from '@jest/globals';
import { testEngines } from '../../../support/engine-env.ts';
import { EventRules, InvalidRule, type RuleExecution } from '../../../../local/triggers/rules.ts';
import { objectCreatedEvent } from '../../../../local/triggers/s3-events.ts';
import { InvalidEventPattern } from '../../../../local/triggers/event-pattern.ts';
import { InvalidScheduleExpression } from '../../../../local/triggers/schedule-expression.ts';
import type { ObjectCreated } from '../../../../local/services/local-services.ts';

const testEngine = testEngines();
const ECHO = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } };

function created(key: string, bucket = 'inbox'): ObjectCreated {
  return { bucket, key, size: 3, etag: 'abc', sequencer: '0001', reason: 'PutObject', requestId: 'R1' };
}

function setup() {
  const env = testEngine();
  const rules = new EventRules({ engine: env.engine });
  const started: RuleExecution[] = [];
  rules.onExecution((e) => started.push(e));
  return { env, rules, started, machine: env.create(ECHO) };
}

describe('EventRules', () => {
  it('starts the rule\'s state machine with the matching event as its input', async () => {
    // Prepare
    const { env, rules, machine } = setup();
    rules.put({ name: 'csv-uploads', eventPattern: { source: ['aws.s3'], detail: { object: { key: [{ suffix: '.csv' }] } } }, stateMachineArn: machine });
    const event = objectCreatedEvent(created('in/a.csv'), { account: '123456789012', region: 'us-east-1', timeMs: env.now() });

    // Act
    const [started] = rules.dispatch(event);
    const { outcome } = await env.finish(started.executionArn);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: event });
    expect(started.rule).toBe('csv-uploads');
  });

  it('ignores events its pattern does not match', () => {
    const { env, rules, machine } = setup();
    rules.put({ name: 'csv-uploads', eventPattern: { detail: { object: { key: [{ suffix: '.csv' }] } } }, stateMachineArn: machine });

    const started = rules.dispatch(objectCreatedEvent(created('in/a.json'), { account: '123456789012', region: 'us-east-1', timeMs: env.now() }));

    expect(started).toEqual([]);
  });

  it('starts one execution per matching rule, and one only for an event delivered twice', () => {
    const { env, rules, started, machine } = setup();
    rules.put({ name: 'all-s3', eventPattern: { source: ['aws.s3'] }, stateMachineArn: machine });
    rules.put({ name: 'inbox', eventPattern: { detail: { bucket: { name: ['inbox'] } } }, stateMachineArn: machine });
    const event = objectCreatedEvent(created('a'), { account: '123456789012', region: 'us-east-1', timeMs: env.now() });

    rules.dispatch(event);
    rules.dispatch(event);

    expect(started.map((s) => s.rule)).toEqual(['all-s3', 'inbox']);
  });

  it('passes the target\'s constant input instead of the event when the rule has one', async () => {
    const { env, rules, machine } = setup();
    rules.put({ name: 'fixed', eventPattern: { source: ['aws.s3'] }, stateMachineArn: machine, input: { mode: 'full' } });

    const [started] = rules.dispatch(objectCreatedEvent(created('a'), { account: '123456789012', region: 'us-east-1', timeMs: env.now() }));

    expect((await env.finish(started.executionArn)).outcome).toEqual({ status: 'SUCCEEDED', output: { mode: 'full' } });
  });

  it('passes the part of the event an InputPath selects, or what an InputTransformer builds from it', async () => {
    // Prepare
    const { env, rules, machine } = setup();
    rules.put({ name: 'part', eventPattern: { source: ['aws.s3'] }, stateMachineArn: machine, inputPath: '$.detail.object' });
    rules.put({ name: 'shaped', eventPattern: { source: ['aws.s3'] }, stateMachineArn: machine, inputTransformer: { InputPathsMap: { key: '$.detail.object.key' }, InputTemplate: '{"file": "<key>", "rule": "<aws.events.rule-name>"}' } });
    // Act
    const [part, shaped] = rules.dispatch(objectCreatedEvent(created('a.csv'), { account: '123456789012', region: 'us-east-1', timeMs: env.now() }));
    // Assess
    expect((await env.finish(part.executionArn)).outcome).toMatchObject({ status: 'SUCCEEDED', output: { key: 'a.csv', size: 3 } });
    expect((await env.finish(shaped.executionArn)).outcome).toEqual({ status: 'SUCCEEDED', output: { file: 'a.csv', rule: 'shaped' } });
  });

  it('keeps delivering to other rules when one names a state machine that does not exist', () => {
    const { env, rules, started, machine } = setup();
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    rules.put({ name: 'broken', eventPattern: { source: ['aws.s3'] }, stateMachineArn: `${machine}-gone` });
    rules.put({ name: 'working', eventPattern: { source: ['aws.s3'] }, stateMachineArn: machine });

    rules.dispatch(objectCreatedEvent(created('a'), { account: '123456789012', region: 'us-east-1', timeMs: env.now() }));

    expect(started.map((s) => s.rule)).toEqual(['working']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('rule broken could not start'));
    warn.mockRestore();
  });

  it.each([
    ['a bad name', { name: 'no spaces allowed', eventPattern: { source: ['x'] } }, InvalidRule],
    ['neither pattern nor schedule', { name: 'empty' }, InvalidRule],
    ['a bad pattern', { name: 'bad', eventPattern: { source: 'x' } }, InvalidEventPattern],
    ['a bad schedule', { name: 'bad', scheduleExpression: 'rate(1 hours)' }, InvalidScheduleExpression],
  ])('refuses a rule with %s', (_, rule, error) => {
    const { rules, machine } = setup();

    expect(() => rules.put({ stateMachineArn: machine, ...rule } as Parameters<typeof rules.put>[0])).toThrow(error);
  });

  it('stops firing a schedule once the rule is removed', async () => {
    // Prepare
    const { env, rules, started, machine } = setup();
    rules.put({ name: 'hourly', scheduleExpression: 'rate(1 hour)', stateMachineArn: machine });

    // Act
    await env.sleep(3600);
    rules.remove('hourly');
    await env.sleep(3 * 3600);

    // Assess
    expect(started).toHaveLength(1);
    expect(env.scheduler.pendingTimers).toBe(0);
  });
});

describe('EventRules with a function target', () => {
  const PATTERN = { source: ['aws.s3'] };

  it('invokes the function with every delivery of an event, duplicates included, and starts no execution itself', async () => {
    // Prepare
    const env = testEngine();
    const calls: { name: string; event: unknown }[] = [];
    const rules = new EventRules({ engine: env.engine, invokeFunction: async (name, event) => (calls.push({ name, event }), {}) });
    rules.put({ name: 'to-starter', eventPattern: PATTERN, functionName: 'start-from-s3' });
    const event = objectCreatedEvent(created('in/a.csv'), { account: '123456789012', region: 'us-east-1', timeMs: env.now() });
    // Act
    const started = [...rules.dispatch(event), ...rules.dispatch(event)];
    await rules.settled();
    // Assess
    expect(started).toEqual([]);
    expect(calls).toEqual([{ name: 'start-from-s3', event }, { name: 'start-from-s3', event }]);
  });

  it('sends every delivery to a queue target, FIFO ids from the rule and the event', async () => {
    // Prepare
    const env = testEngine();
    const sent: { queueUrl: string; body: string; ids: { groupId: string; deduplicationId: string } }[] = [];
    const rules = new EventRules({ engine: env.engine, sendToQueue: async (queueUrl, body, ids) => void sent.push({ queueUrl, body, ids }) });
    rules.put({ name: 'to-queue', eventPattern: PATTERN, queueUrl: 'http://127.0.0.1:1/123456789012/work.fifo', inputPath: '$.detail.object' });
    const event = objectCreatedEvent(created('in/a.csv'), { account: '123456789012', region: 'us-east-1', timeMs: env.now() });
    // Act
    rules.dispatch(event);
    await rules.settled();
    // Assess
    expect(sent).toEqual([{ queueUrl: 'http://127.0.0.1:1/123456789012/work.fifo', body: JSON.stringify(event.detail.object), ids: { groupId: 'to-queue', deduplicationId: event.id } }]);
  });

  it('refuses a queue target when no SQS is connected', () => {
    const { rules } = setup();
    expect(() => rules.put({ name: 'q', eventPattern: PATTERN, queueUrl: 'http://x/1/q' })).toThrow(InvalidRule);
  });

  it('retries a failed delivery twice, as EventBridge does, then warns', async () => {
    // Prepare
    const env = testEngine();
    let attempts = 0;
    const rules = new EventRules({ engine: env.engine, invokeFunction: async () => (++attempts, { functionError: 'Unhandled', payload: '{"errorMessage":"boom"}' }) });
    rules.put({ name: 'to-broken', eventPattern: PATTERN, functionName: 'broken' });
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      // Act
      rules.dispatch(objectCreatedEvent(created('in/b.csv'), { account: '123456789012', region: 'us-east-1', timeMs: env.now() }));
      await rules.settled();
      // Assess
      expect(attempts).toBe(3);
      expect(warn).toHaveBeenCalledWith('rule to-broken could not deliver to the function broken: {"errorMessage":"boom"}');
    } finally {
      warn.mockRestore();
    }
  });

  it.each([
    ['no target', {}, 'must have exactly one target'],
    ['two targets', { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x', functionName: 'f' }, 'must have exactly one target'],
  ])('refuses a rule with %s', (_what, target, message) => {
    const env = testEngine();
    const rules = new EventRules({ engine: env.engine, invokeFunction: async () => ({}) });
    expect(() => rules.put({ name: 'r', eventPattern: PATTERN, ...target })).toThrow(message);
  });

  it('refuses a function target when no Lambda runtime is connected', () => {
    const env = testEngine();
    const rules = new EventRules({ engine: env.engine });
    expect(() => rules.put({ name: 'r', eventPattern: PATTERN, functionName: 'f' })).toThrow(new InvalidRule('Rule r targets the function f, but no Lambda runtime is connected'));
  });
});
