/**
 * The local Lambda runtime's instances: warm reuse with module state that carries over, a cold
 * instance per concurrent invocation up to the function's concurrency, a queue beyond it, idle
 * reaping and a clean close.
 */
import { describe, it, expect } from '@jest/globals';
import { RuntimeClosed } from '../../../local/lambda/errors.ts';
import { eventually, fixture, invokeJson, lambdaRuntimes, processAlive, sleep } from './runtimes.ts';

const runtimes = lambdaRuntimes();

describe('LambdaRuntime instances', () => {
  it.each([
    ['TypeScript', 'counter.ts', 'typescript'],
    ['JavaScript', 'counter.mjs', 'javascript'],
  ])('runs a %s handler and reuses its warm instance, whose module state carries over', async (_language, file, language) => {
    // Prepare
    const runtime = runtimes.create({ functions: { counter: { handler: fixture(file) } } });

    // Act
    const first = await invokeJson(runtime, 'counter', { n: 1 });
    const second = await invokeJson(runtime, 'counter', { n: 2 });

    // Assess
    expect(first.payload).toMatchObject({ language, invocations: 1, event: { n: 1 } });
    expect(second.payload).toMatchObject({ language, invocations: 2, event: { n: 2 }, pid: first.payload.pid });
    expect(runtime.stats('counter')).toEqual({ instances: 1, idle: 1, busy: 0, queued: 0 });
  });

  it('gives each concurrent invocation its own cold instance, up to the concurrency limit', async () => {
    const runtime = runtimes.create({ functions: { counter: { handler: fixture('counter.mjs'), concurrency: 3 } } });

    const answers = await Promise.all([1, 2, 3].map((n) => invokeJson(runtime, 'counter', { n, holdMs: 300 })));

    expect(new Set(answers.map((a) => a.payload.pid)).size).toBe(3);
    expect(answers.map((a) => a.payload.invocations)).toEqual([1, 1, 1]);
    expect(runtime.stats('counter')).toMatchObject({ instances: 3, idle: 3 });
  });

  it('queues invocations beyond the concurrency limit and runs them on the instances that free up', async () => {
    const runtime = runtimes.create({ functions: { counter: { handler: fixture('counter.mjs'), concurrency: 2 } } });

    const running = [1, 2, 3, 4].map((n) => invokeJson(runtime, 'counter', { n, holdMs: 200 }));
    // cold starts take longer on a loaded machine: wait for the two instances rather than a fixed time
    await eventually(() => runtime.stats('counter')?.busy === 2, 10_000);
    const whileRunning = runtime.stats('counter');
    const answers = await Promise.all(running);

    expect(whileRunning).toEqual({ instances: 2, idle: 0, busy: 2, queued: 2 });
    const byPid = new Map<unknown, unknown[]>();
    for (const a of answers) byPid.set(a.payload.pid, [...(byPid.get(a.payload.pid) ?? []), a.payload.invocations]);
    // no third instance: the two queued invocations ran on the two warm ones, each counting on from
    // its own earlier invocations (which instance frees first, and so takes which, is the machine's timing)
    const perInstance = [...byPid.values()];
    expect(perInstance).toHaveLength(2);
    for (const counts of perInstance) expect(counts).toEqual(Array.from({ length: counts.length }, (_, i) => i + 1));
    expect(perInstance.flat()).toHaveLength(4);
  });

  it('reaps an instance left idle longer than idleTimeoutMs; the next invocation starts cold', async () => {
    const runtime = runtimes.create({ idleTimeoutMs: 100, functions: { counter: { handler: fixture('counter.mjs') } } });
    const before = await invokeJson(runtime, 'counter');

    await sleep(400);
    const afterIdle = runtime.stats('counter');
    const after = await invokeJson(runtime, 'counter');

    expect(afterIdle).toEqual({ instances: 0, idle: 0, busy: 0, queued: 0 });
    expect(processAlive(before.payload.pid as number)).toBe(false);
    expect(after.payload.pid).not.toBe(before.payload.pid);
    expect(after.payload.invocations).toBe(1);
  });

  it('answers an Event invocation with 202 at once and runs the function in the background', async () => {
    const runtime = runtimes.create({ functions: { counter: { handler: fixture('counter.mjs'), concurrency: 1 } } });

    const accepted = await runtime.invoke('counter', { holdMs: 300 }, { invocationType: 'Event' });
    const whileRunning = runtime.stats('counter');
    const next = await invokeJson(runtime, 'counter');

    expect(accepted).toEqual({ requestId: expect.any(String), statusCode: 202, payload: '' });
    expect(whileRunning).toMatchObject({ busy: 1 });
    // the background invocation ran first, on the same (only) instance
    expect(next.payload.invocations).toBe(2);
  });

  it('runs new invocations on a replaced configuration while the old one finishes on its own instance', async () => {
    const runtime = runtimes.create({ functions: { counter: { handler: fixture('counter.mjs') } } });
    const old = runtime.invoke('counter', { holdMs: 300 });
    await sleep(50);

    runtime.register('counter', { handler: fixture('counter.ts') });
    const replaced = await invokeJson(runtime, 'counter');
    const finished = JSON.parse((await old).payload) as { language: string; pid: number };

    expect(finished.language).toBe('javascript');
    expect(replaced.payload.language).toBe('typescript');
    await eventually(() => !processAlive(finished.pid));
  });

  it('close() kills every instance: running and queued invocations reject, and so do later ones', async () => {
    const runtime = runtimes.create({ functions: { counter: { handler: fixture('counter.mjs'), concurrency: 1 } } });
    const warm = await invokeJson(runtime, 'counter');
    const runningAndQueued = Promise.allSettled([runtime.invoke('counter', { holdMs: 10_000 }), runtime.invoke('counter', {})]);
    await sleep(50);

    await runtime.close();

    const [running, queued] = await runningAndQueued;
    expect(running).toMatchObject({ status: 'rejected', reason: expect.any(RuntimeClosed) });
    expect(queued).toMatchObject({ status: 'rejected', reason: expect.any(RuntimeClosed) });
    await expect(runtime.invoke('counter', {})).rejects.toThrow(RuntimeClosed);
    expect(processAlive(warm.payload.pid as number)).toBe(false);
  });
});
