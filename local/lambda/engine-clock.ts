/**
 * The engine's clock inside a sandbox: on a virtual clock the engine may be at 2024 or forty
 * minutes past the wall clock, and a handler that compares times (a webhook's signed timestamp,
 * an expiry) must see the engine's time, as the engine's own local code does.
 *
 * `installEngineClock()` replaces the global `Date` with one whose `Date.now()`, `new Date()` and
 * `Date()` read the wall clock plus an offset; the sandbox sets the offset at each invocation from
 * the engine's `now`, so time runs on in real time from that instant while the handler works (the
 * virtual clock stands still while real work runs). `Date.parse`, `Date.UTC`, `Date.prototype`,
 * `instanceof Date` and dates built from arguments are untouched. Timers (`setTimeout`,
 * `setInterval`) and `performance.now()` keep real time: a handler that sleeps sleeps for real.
 */

export interface EngineClock {
  /** Sets the offset so that `Date.now()` reads `engineNow` now (undefined: the wall clock). */
  setNow(engineNow: number | undefined): void;
  /** the wall clock, which the installed `Date` no longer gives */
  wallNow(): number;
}

/**
 * Installs the engine's clock as the global `Date`; call it before the handler module loads.
 *
 * @example
 * const clock = installEngineClock();
 * clock.setNow(Date.UTC(2024, 0, 1));
 * new Date().toISOString(); // '2024-01-01T00:00:00.0xxZ', advancing in real time
 */
export function installEngineClock(): EngineClock {
  const WallDate = globalThis.Date;
  const wallNow = WallDate.now.bind(WallDate);
  let offset = 0;
  const now = () => wallNow() + offset;
  // a function, not a class: `Date()` without `new` must answer a string, as it does
  function EngineDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new WallDate(now()).toString();
    return Reflect.construct(WallDate, args.length === 0 ? [now()] : args, new.target);
  }
  // the same prototype object: `instanceof Date` holds for dates made before and after, and subclasses work
  EngineDate.prototype = WallDate.prototype;
  Object.setPrototypeOf(EngineDate, WallDate);
  Object.defineProperty(EngineDate, 'now', { value: now, writable: true, configurable: true });
  Object.defineProperty(EngineDate, 'name', { value: 'Date' });
  Object.defineProperty(EngineDate, 'length', { value: 7 });
  globalThis.Date = EngineDate as unknown as DateConstructor;
  return {
    setNow(engineNow) {
      offset = engineNow === undefined ? 0 : engineNow - wallNow();
    },
    wallNow,
  };
}
