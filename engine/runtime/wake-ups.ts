/**
 * The wake-ups of executions that rest in the store: the engine's index of the ones due soon.
 *
 * A resting execution's earliest wake-up is a row of the store's `timers` table. This reads the
 * ones due within the next window (a minute) into a sorted index and arms one scheduler timer, for
 * the earliest; when it fires, the executions due are handed to the engine to load, and the next
 * window is read once this one is spent. With nothing due within the window the timer is armed for
 * the store's earliest wake-up after it, so a virtual clock jumps there like to any other timer.
 * Memory and restart cost follow the wake-ups due, not the executions that rest.
 */
import type { Scheduler, TimerHandle } from './clock.ts';

/** How far ahead wake-ups are read from the store, and at most how many at once. */
const WINDOW_MS = 60_000;
const WINDOW_LIMIT = 10_000;
/** Executions handed over per wake-up turn, so that a crowd due at one instant does not hold the event loop. */
const WAKE_BATCH = 1_000;

/** What the index reads from the store. */
export interface WakeUpSource {
  /** resting executions due at or before `untilMs`, earliest first, at most `limit` */
  dueWindow(untilMs: number, limit: number): { dueMs: number; arn: string }[];
  /** the earliest wake-up after `afterMs` */
  nextDue(afterMs: number): number | undefined;
}

/**
 * @example
 * const wakeUps = new WakeUps(scheduler, store, (arns) => arns.forEach(load), (arn) => quarantined.has(arn));
 * wakeUps.refill();              // at start: read what is due within the window
 * wakeUps.rested(arn, dueMs);    // an execution came to rest
 */
export class WakeUps {
  private index: { dueMs: number; arn: string }[] = [];
  private head = 0;
  private windowEnd = Number.NEGATIVE_INFINITY;
  /** the last read was full: wake-ups at `windowEnd` itself may be left unread in the store */
  private cut = false;
  private timer: TimerHandle | undefined;
  private stopped = false;

  /**
   * `due` receives the executions whose wake-up has come (the index may be stale: the receiver
   * checks the store); `left` names executions left in the store whatever their wake-up (quarantined).
   */
  private readonly scheduler: Scheduler;
  private readonly source: WakeUpSource;
  private readonly due: (arns: string[], now: number) => void;
  private readonly left: (arn: string) => boolean;

  constructor(scheduler: Scheduler, source: WakeUpSource, due: (arns: string[], now: number) => void, left: (arn: string) => boolean) {
    this.scheduler = scheduler;
    this.source = source;
    this.due = due;
    this.left = left;
  }

  /** How many wake-ups the index holds: at most a window read's worth, however many rest. */
  get size(): number {
    return this.index.length - this.head;
  }

  /** An execution came to rest with this earliest wake-up (null: only a token wakes it). */
  rested(arn: string, dueMs: number | null): void {
    if (dueMs === null || this.stopped) return;
    if (dueMs <= this.windowEnd && this.size >= WINDOW_LIMIT) {
      // a full index: the window ends before this wake-up, which is read from the store once it is
      // due, so that a crowd coming to rest within a minute does not grow the index without bound
      this.windowEnd = dueMs - 1;
    } else if (dueMs <= this.windowEnd) {
      const idx = this.index;
      let lo = this.head;
      let hi = idx.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (idx[mid].dueMs <= dueMs) lo = mid + 1;
        else hi = mid;
      }
      idx.splice(lo, 0, { dueMs, arn });
    }
    this.arm(dueMs);
  }

  /** Reads the wake-ups due within the next window from the store, and arms the timer. */
  refill(): void {
    if (this.stopped) return;
    this.windowEnd = this.scheduler.now() + WINDOW_MS;
    const read = this.source.dueWindow(this.windowEnd, WINDOW_LIMIT);
    // a full read may leave wake-ups at its last instant unread: the window ends before them
    if (read.length === WINDOW_LIMIT) this.windowEnd = read[WINDOW_LIMIT - 1].dueMs;
    // an execution left in the store must not re-arm the timer with its past wake-up forever
    this.index = read.filter((d) => !this.left(d.arn));
    // (a read of nothing but those is not read again at once: that would spin)
    this.cut = read.length === WINDOW_LIMIT && this.index.length > 0;
    this.head = 0;
    const next = this.index[0]?.dueMs ?? this.source.nextDue(this.windowEnd);
    if (next !== undefined) this.arm(next);
  }

  /** The next wake-up once the index is spent: the rest of a cut window's last instant, or the store's next. */
  private afterWindow(): number | undefined {
    return this.cut ? this.windowEnd : this.source.nextDue(this.windowEnd);
  }

  /** No more wake-ups: the engine halts. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** One timer, for the earliest wake-up known. */
  private arm(at: number): void {
    if (this.stopped || (this.timer && this.timer.at <= at)) return;
    this.timer?.cancel();
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, at - this.scheduler.now());
  }

  private wake(): void {
    if (this.stopped) return;
    const now = this.scheduler.now();
    if (this.head >= this.index.length || now > this.windowEnd) this.refill();
    const arns = new Set<string>();
    while (this.head < this.index.length && this.index[this.head].dueMs <= now && arns.size < WAKE_BATCH) {
      const { arn } = this.index[this.head++];
      if (!this.left(arn)) arns.add(arn);
    }
    if (this.head > 4096 && this.head * 2 > this.index.length) {
      this.index = this.index.slice(this.head);
      this.head = 0;
    }
    // a spent index is read again at the next turn (wake() refills it), after these are loaded
    const next = this.head < this.index.length ? this.index[this.head].dueMs : this.afterWindow();
    if (next !== undefined) this.arm(Math.max(next, now));
    if (arns.size > 0) this.due([...arns], now);
  }
}
