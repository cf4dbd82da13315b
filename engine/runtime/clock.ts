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
  /**
   * `setTimeout` on this scheduler's clock, for code the engine hosts (Lambda functions).
   * `passive`: the timer fires when the clock passes its time, but a virtual clock never jumps to
   * it by itself (a recurring schedule must not run an idle stack's time forward forever).
   */
  setTimeout(fn: () => void, ms: number, opts?: TimerOptions): TimerHandle;
  readonly virtual: boolean;
}

export interface TimerOptions {
  passive?: boolean;
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

/** A binary heap of timers, earliest first (by time, then creation). */
class TimerHeap {
  items: VirtualTimer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): VirtualTimer | undefined {
    return this.items[0];
  }

  push(t: VirtualTimer): void {
    const h = this.items;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p], h[i])) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  pop(): VirtualTimer | undefined {
    const h = this.items;
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

  /** Rebuilds the heap without its cancelled timers; returns how many it dropped. */
  sweep(): number {
    const live = this.items.filter((t) => !t.cancelled);
    const dropped = this.items.length - live.length;
    this.items = [];
    for (const t of live) this.push(t);
    return dropped;
  }
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
  /** the timers the clock jumps to */
  private readonly timers = new TimerHeap();
  /** passive timers: fired as the clock passes them, never jumped to */
  private readonly passive = new TimerHeap();
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

  setTimeout(fn: () => void, ms: number, opts?: TimerOptions): TimerHandle {
    const timer: VirtualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    (opts?.passive ? this.passive : this.timers).push(timer);
    this.scheduleCheck();
    return {
      at: timer.at,
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        // an execution that rests in the store cancels its timers: they must not hold it in memory
        if (++this.cancelled > 1024 && this.cancelled * 2 > this.timers.size + this.passive.size) this.sweep();
      },
    };
  }

  private sweep(): void {
    this.timers.sweep();
    this.passive.sweep();
    this.cancelled = 0;
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
    return this.timers.items.filter((t) => !t.cancelled).length;
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
    this.dropCancelledHeads();
    // only a timer that is not passive moves the clock; on its way there it stops at every passive
    // timer due first, whose callback may start work that must run at its own instant
    const next = this.timers.peek();
    const passive = this.passive.peek();
    const stop = next && passive && passive.at <= next.at ? passive : next;
    if (stop && stop.at > this.current) this.current = stop.at;
    // fire every timer due at this instant, in order of time and creation
    let fired = false;
    for (;;) {
      this.dropCancelledHeads();
      const a = this.timers.peek();
      const p = this.passive.peek();
      const due = (t: VirtualTimer | undefined) => t !== undefined && t.at <= this.current;
      const heap = due(a) && (!due(p) || before(a!, p!)) ? this.timers : due(p) ? this.passive : undefined;
      if (!heap) break;
      const t = heap.pop()!;
      // a fired timer's handle may still be cancelled later: it no longer counts
      t.cancelled = true;
      t.fn();
      fired = true;
    }
    if (fired || this.timers.size > 0) this.scheduleCheck();
  }

  private dropCancelledHeads(): void {
    for (const heap of [this.timers, this.passive]) {
      while (heap.size > 0 && heap.peek()!.cancelled) {
        heap.pop();
        this.cancelled--;
      }
    }
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
