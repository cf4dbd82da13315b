/**
 * What time a function sees: the engine's, so that a handler checking a signed timestamp agrees
 * with a stack on a virtual clock; on the real clock, the wall clock.
 */
import { describe, it, expect } from '@jest/globals';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { fixture, invokeJson, lambdaRuntimes } from './runtimes.ts';

const runtimes = lambdaRuntimes();
const ENGINE_START = Date.UTC(2024, 2, 1, 9, 0, 0);
/** real time an invocation may take on a loaded machine */
const SLACK_MS = 5_000;

describe('the clock a function sees', () => {
  it('is the virtual clock: Date.now(), new Date() and Date() read the engine\'s time, at init and in each invocation', async () => {
    // Prepare
    const scheduler = new VirtualScheduler(ENGINE_START);
    const runtime = runtimes.create({ scheduler, functions: { clock: { handler: fixture('clock.mjs') } } });
    // Act
    const first = await invokeJson(runtime, 'clock');
    await scheduler.sleepUntil(ENGINE_START + 40 * 60_000).promise;
    const second = await invokeJson(runtime, 'clock');
    // Assess
    expect(first.payload.atInit).toBeGreaterThanOrEqual(ENGINE_START);
    expect(first.payload.atInit).toBeLessThan(ENGINE_START + SLACK_MS);
    expect(first.payload.now).toBeGreaterThanOrEqual(ENGINE_START);
    expect(first.payload.now).toBeLessThan(ENGINE_START + SLACK_MS);
    expect(first.payload.iso).toMatch(/^2024-03-01T09:00:0\d\.\d{3}Z$/);
    expect(first.payload.called).toMatch(/^Fri Mar 01 2024 09:00:0\d GMT\+0000/);
    // the same warm instance follows the engine's jump
    expect(second.payload.atInit).toBe(first.payload.atInit);
    expect(second.payload.iso).toMatch(/^2024-03-01T09:40:0\d\.\d{3}Z$/);
  });

  it('leaves the rest of Date as it is: parse, UTC, dates from arguments, instanceof and the prototype', async () => {
    const runtime = runtimes.create({ scheduler: new VirtualScheduler(ENGINE_START), functions: { clock: { handler: fixture('clock.mjs') } } });

    const { payload } = await invokeJson(runtime, 'clock');

    expect(payload).toMatchObject({
      isDate: true,
      sameProto: true,
      parse: Date.UTC(2024, 0, 1),
      utc: Date.UTC(2024, 0, 1),
      // the sandbox runs on UTC (TZ=:UTC)
      fromArgs: Date.UTC(2024, 0, 1),
    });
  });

  it('is the wall clock on a real-clock stack', async () => {
    const runtime = runtimes.create({ functions: { clock: { handler: fixture('clock.mjs') } } });
    const before = Date.now();

    const { payload } = await invokeJson(runtime, 'clock');

    expect(payload.now).toBeGreaterThanOrEqual(before);
    expect(payload.now).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(String(payload.iso))).toBe(payload.now);
  });
});
