/**
 * Time for the engine: a real clock for the local stack, a virtual one for tests and batches.
 *
 * Everything in the engine that waits (Wait states, retry back-off, task timeouts, heartbeats)
 * waits through a Scheduler, never through setTimeout directly, so that a virtual scheduler can
 * jump to the next timer as soon as nothing else can run.
 */

/** A handle on a pending timer. */
export interface TimerHandle {
  readonly at: number;
  cancel(): void;
}

export interface Scheduler {
  /** epoch milliseconds */
  now(): number;
  /** Resolves when the clock reaches `at` (at once if it has passed). */
  sleepUntil(at: number): { promise: Promise<void>; handle: TimerHandle };
  /**
   * Marks real work in flight (a running task function, a pending I/O): a virtual clock never
   * jumps while any is open. Returns the function that closes it.
   */
  beginWork(): () => void;
  /** `setTimeout` on this scheduler's clock, for code the engine hosts (Lambda functions). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  readonly virtual: boolean;
}

/** Wall-clock time. */
export class RealScheduler implements Scheduler {
  readonly virtual = false;
  now(): number {
    return Date.now();
  }
  sleepUntil(at: number): { promise: Promise<void>; handle: TimerHandle } {
    let handle!: TimerHandle;
    const promise = new Promise<void>((resolve) => {
      handle = this.setTimeout(resolve, at - Date.now());
    });
    return { promise, handle };
  }
  beginWork(): () => void {
    return () => {};
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    // setTimeout cannot wait longer than 2^31-1 ms: chain waits for long timers (days-long Waits).
    const at = Date.now() + Math.max(0, ms);
    let t: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      if (cancelled) return;
      const left = at - Date.now();
      if (left <= 0) return fn();
      t = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
    };
    // never fire during the call, even when the time has passed: a caller that keeps the handle
    // (the wake-up index) would otherwise store the handle of a timer that already fired, over the
    // one its callback armed, and nothing would wake the executions resting in the store
    t = setTimeout(arm, Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)));
    return {
      at,
      cancel: () => {
        cancelled = true;
        if (t) clearTimeout(t);
      },
    };
  }
}

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that jumps to the next timer whenever nothing else can run: no open work and no
 * runnable promise continuation (checked from a setImmediate, which runs only once the
 * microtask queue is empty). A 40-minute Wait takes microseconds.
 */
export class VirtualScheduler implements Scheduler {
  readonly virtual = true;
  private current: number;
  private seq = 0;
  private timers: VirtualTimer[] = [];
  private openWork = 0;
  private checkScheduled = false;
  /** cancelled timers still in the heap: dropped in one sweep once they are most of it */
  private cancelled = 0;

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleepUntil(at: number): { promise: Promise<void>; handle: TimerHandle } {
    let handle!: TimerHandle;
    const promise = new Promise<void>((resolve) => {
      handle = this.setTimeout(resolve, at - this.current);
    });
    return { promise, handle };
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: VirtualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    this.scheduleCheck();
    return {
      at: timer.at,
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        // an execution that rests in the store cancels its timers: they must not hold it in memory
        if (++this.cancelled > 1024 && this.cancelled * 2 > this.timers.length) this.sweep();
      },
    };
  }

  private sweep(): void {
    const live = this.timers.filter((t) => !t.cancelled);
    this.timers = [];
    this.cancelled = 0;
    for (const t of live) this.push(t);
  }

  beginWork(): () => void {
    this.openWork++;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.openWork--;
      this.scheduleCheck();
    };
  }

  /** Pending timers that have not been cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  private scheduleCheck(): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      this.tick();
    });
  }

  /**
   * Called when nothing can run, before the clock jumps; returns true when it started work (the
   * jump waits for the next idle check). Tests and the batch use it to act "once everything waits".
   */
  onIdle: (() => boolean) | undefined;

  private tick(): void {
    if (this.openWork > 0) return;
    if (this.onIdle?.()) {
      this.scheduleCheck();
      return;
    }
    while (this.timers.length > 0 && this.timers[0].cancelled) this.dropCancelled();
    const next = this.timers[0];
    if (!next) return;
    if (next.at > this.current) this.current = next.at;
    // fire every timer due at this instant, in order of creation
    while (this.timers.length > 0 && (this.timers[0].cancelled || this.timers[0].at <= this.current)) {
      const t = this.pop()!;
      if (t.cancelled) this.cancelled--;
      else {
        // a fired timer's handle may still be cancelled later: it no longer counts
        t.cancelled = true;
        t.fn();
      }
    }
    this.scheduleCheck();
  }

  private dropCancelled(): void {
    this.pop();
    this.cancelled--;
  }

  private push(t: VirtualTimer): void {
    const h = this.timers;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p], h[i])) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  private pop(): VirtualTimer | undefined {
    const h = this.timers;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && !before(h[m], h[l])) m = l;
        if (r < h.length && !before(h[m], h[r])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
