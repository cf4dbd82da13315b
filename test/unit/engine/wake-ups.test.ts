/**
 * The wake-up index arms one real timer for the executions that rest in the store. A wake-up that
 * is already due when an execution comes to rest (a slow commit on a loaded machine) must still
 * wake it: the scheduler never fires a timer during the call that arms it.
 */
import { describe, expect, it } from '@jest/globals';
import { RealScheduler, VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { WakeUps, type WakeUpSource } from '../../../engine/runtime/wake-ups.ts';

/** A store with no resting rows: only what `rested` reports is known. */
const emptyStore: WakeUpSource = { dueWindow: () => [], nextDue: () => undefined };

describe('RealScheduler.setTimeout', () => {
  it('fires a timer whose time has passed on a later turn, never during the call', async () => {
    // Prepare
    const scheduler = new RealScheduler();
    let fired = 0;

    // Act
    scheduler.setTimeout(() => fired++, -50);
    const duringCall = fired;
    await new Promise((r) => setTimeout(r, 20));

    // Assess
    expect({ duringCall, later: fired }).toEqual({ duringCall: 0, later: 1 });
  });
});

describe('WakeUps on a real clock', () => {
  it('wakes, again and again, executions that come to rest with a wake-up already due', async () => {
    // Prepare: each woken execution rests again a moment later with a wake-up due at once, three times
    const scheduler = new RealScheduler();
    const woken: string[] = [];
    let wakeUps!: WakeUps;
    wakeUps = new WakeUps(scheduler, emptyStore, (arns) => {
      woken.push(...arns);
      if (woken.length < 3) setTimeout(() => wakeUps.rested(arns[0], scheduler.now()), 5);
    }, () => false);
    wakeUps.refill();

    // Act
    wakeUps.rested('arn:a', scheduler.now() - 10);
    const deadline = Date.now() + 2_000;
    while (woken.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    wakeUps.stop();

    // Assess
    expect(woken).toEqual(['arn:a', 'arn:a', 'arn:a']);
  });
});

/** The store's `timers` table in memory: a woken execution's row goes, as loading it clears it. */
function restingStore(rows: Map<string, number>): WakeUpSource {
  const sorted = () => [...rows].map(([arn, dueMs]) => ({ arn, dueMs })).sort((a, b) => a.dueMs - b.dueMs);
  return {
    dueWindow: (untilMs, limit) => sorted().filter((r) => r.dueMs <= untilMs).slice(0, limit),
    nextDue: (afterMs) => sorted().find((r) => r.dueMs > afterMs)?.dueMs,
  };
}

describe('WakeUps on a virtual clock', () => {
  it.each([
    ['more than one window read holds, all due at one instant', () => 5_000],
    ['more than one window read holds, due a millisecond apart', (i: number) => 5_000 + i],
  ])('wakes every resting execution when %s', async (_case, due) => {
    // Prepare
    const scheduler = new VirtualScheduler(0);
    const rows = new Map<string, number>(Array.from({ length: 25_000 }, (_, i) => [`arn:${i}`, due(i)]));
    const woken = new Set<string>();
    const wakeUps = new WakeUps(scheduler, restingStore(rows), (arns) => {
      for (const arn of arns) {
        woken.add(arn);
        rows.delete(arn);
      }
    }, () => false);

    // Act
    wakeUps.refill();
    for (let quiet = 0; quiet < 20; quiet++) {
      const before = woken.size;
      await new Promise((r) => setTimeout(r, 5));
      if (woken.size !== before) quiet = 0;
    }
    wakeUps.stop();

    // Assess
    expect({ woken: woken.size, resting: rows.size }).toEqual({ woken: 25_000, resting: 0 });
  });
});

describe('the wake-up index', () => {
  it('holds at most a window read of wake-ups when more come to rest within the window, and wakes them all', async () => {
    // Prepare: the window is read (empty), then 25,000 executions come to rest due within it
    const scheduler = new VirtualScheduler(0);
    const rows = new Map<string, number>();
    const woken: string[] = [];
    const wakeUps = new WakeUps(scheduler, restingStore(rows), (arns) => {
      for (const arn of arns) {
        woken.push(arn);
        rows.delete(arn);
      }
    }, () => false);
    wakeUps.refill();

    // Act
    let largest = 0;
    for (let i = 0; i < 25_000; i++) {
      rows.set(`arn:${i}`, 1_000 + i);
      wakeUps.rested(`arn:${i}`, 1_000 + i);
      largest = Math.max(largest, wakeUps.size);
    }
    for (let quiet = 0; quiet < 20; quiet++) {
      const before = woken.length;
      await new Promise((r) => setTimeout(r, 5));
      if (woken.length !== before) quiet = 0;
    }
    wakeUps.stop();

    // Assess
    expect(largest).toBeLessThanOrEqual(10_000);
    expect(woken).toEqual(Array.from({ length: 25_000 }, (_, i) => `arn:${i}`));
  });
});
