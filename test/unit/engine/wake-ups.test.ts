/**
 * The wake-up index arms one real timer for the executions that rest in the store. A wake-up that
 * is already due when an execution comes to rest (a slow commit on a loaded machine) must still
 * wake it: the scheduler never fires a timer during the call that arms it.
 */
import { describe, expect, it } from '@jest/globals';
import { RealScheduler } from '../../../engine/runtime/clock.ts';
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
