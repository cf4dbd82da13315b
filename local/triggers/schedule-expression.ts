/**
 * EventBridge schedule expressions: `rate(5 minutes)` and `cron(0 12 * * ? *)`, in UTC.
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
