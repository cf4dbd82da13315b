/**
 * EventBridge schedule expressions: `rate(5 minutes)` and `cron(0 12 * * ? *)`, in UTC; EventBridge
 * Scheduler's add `at(2025-01-31T09:00:00)` and a time zone for cron and at (`parseSchedulerExpression`).
 *
 * Cron fields are minutes, hours, day of month, month, day of week and year, with EventBridge's
 * `?`, `L`, `W` and `#`; aws-cron-parser reads them. Rates count whole minutes, hours or days,
 * singular for 1 (`rate(1 hour)`) and plural otherwise, as EventBridge requires.
 */
import awsCronParser from 'aws-cron-parser';

/** An expression EventBridge would refuse (PutRule answers ValidationException). */
export class InvalidScheduleExpression extends Error {
  constructor(expression: string) {
    super(`Parameter ScheduleExpression is not valid: ${expression}`);
    this.name = 'ValidationException';
  }
}

export interface Schedule {
  readonly expression: string;
  /** The first fire time strictly after `afterMs` (epoch ms); `undefined` when it never fires again. */
  next(afterMs: number): number | undefined;
}

const UNITS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * Parses a schedule expression. A rate counts from `anchorMs` (when the rule was put), as
 * EventBridge's rates count from the rule's creation.
 *
 * @example
 * parseSchedule('rate(1 hour)', t0).next(t0) // t0 + 3_600_000
 * parseSchedule('cron(0 12 * * ? *)', t0).next(t0) // the next noon, UTC
 */
export function parseSchedule(expression: string, anchorMs: number): Schedule {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2];
    if (n < 1 || (n === 1) !== !unit.endsWith('s')) throw new InvalidScheduleExpression(expression);
    const period = n * UNITS[unit.replace(/s$/, '') as keyof typeof UNITS];
    return {
      expression,
      next: (after) => anchorMs + (Math.floor(Math.max(0, after - anchorMs) / period) + 1) * period,
    };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron && cronFieldsValid(cron[1].trim().split(/\s+/))) {
    let parsed: ReturnType<typeof awsCronParser.parse>;
    try {
      parsed = awsCronParser.parse(cron[1].trim());
      // a field the parser could not read shows only when it computes a date
      awsCronParser.next(parsed, new Date(anchorMs));
    } catch {
      throw new InvalidScheduleExpression(expression);
    }
    return {
      expression,
      next: (after) => awsCronParser.next(parsed, new Date(after))?.getTime() ?? undefined,
    };
  }
  throw new InvalidScheduleExpression(expression);
}

const MONTHS = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC';
const DAYS = 'SUN|MON|TUE|WED|THU|FRI|SAT';
const CRON_FIELDS = [
  /^[\d,\-*/]+$/, // minutes
  /^[\d,\-*/]+$/, // hours
  /^([\d,\-*/?LW])+$/, // day of month
  new RegExp(`^([\\d,\\-*/]|${MONTHS})+$`, 'i'),
  new RegExp(`^([\\d,\\-*/?L#]|${DAYS})+$`, 'i'),
  /^[\d,\-*/]+$/, // year
];

/** aws-cron-parser trusts its input: the checks EventBridge makes come first. */
function cronFieldsValid(fields: string[]): boolean {
  if (fields.length !== 6 || !fields.every((f, i) => CRON_FIELDS[i].test(f))) return false;
  // exactly one of day-of-month and day-of-week is '?'
  return (fields[2] === '?') !== (fields[4] === '?');
}

/**
 * Parses an EventBridge Scheduler expression: a rule's `rate(...)` and `cron(...)`, and
 * `at(yyyy-mm-ddThh:mm:ss)` for a one-time schedule; cron and at read the wall clock of
 * `timezone` (an IANA name, default UTC), as Scheduler's ScheduleExpressionTimezone does.
 *
 * @example
 * parseSchedulerExpression('cron(0 9 * * ? *)', t0, 'Europe/Paris').next(t0) // the next 09:00 in Paris
 * parseSchedulerExpression('at(2024-01-01T00:05:00)', t0).next(t0) // Date.UTC(2024, 0, 1, 0, 5)
 */
export function parseSchedulerExpression(expression: string, anchorMs: number, timezone = 'UTC'): Schedule {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new InvalidScheduleExpression(`${expression} (unknown time zone ${timezone})`);
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [y, mo, d, h, mi, sec] = at.slice(1).map(Number);
    const when = fromWall(Date.UTC(y, mo - 1, d, h, mi, sec), timezone);
    if (Number.isNaN(when)) throw new InvalidScheduleExpression(expression);
    return { expression, next: (after) => (when > after ? when : undefined) };
  }
  const inner = parseSchedule(expression, anchorMs);
  if (timezone === 'UTC' || expression.startsWith('rate(')) return inner;
  return {
    expression,
    next: (after) => {
      // the cron reads wall-clock time: step through wall times until one lands after `after`
      let wall = after + offsetMs(timezone, after);
      for (let i = 0; i < 4; i++) {
        const nextWall = inner.next(wall);
        if (nextWall === undefined) return undefined;
        const utc = fromWall(nextWall, timezone);
        if (utc > after) return utc;
        wall = nextWall;
      }
      return undefined;
    },
  };
}

/** How far `timezone`'s wall clock is ahead of UTC at the instant `ms`. */
function offsetMs(timezone: string, ms: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant a wall-clock time (written as if UTC) of `timezone` stands for. */
function fromWall(wallMs: number, timezone: string): number {
  const guess = wallMs - offsetMs(timezone, wallMs);
  return wallMs - offsetMs(timezone, guess);
}
