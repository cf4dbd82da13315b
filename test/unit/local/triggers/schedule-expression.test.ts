/**
 * EventBridge schedule expressions: rate() counted from the rule's creation, cron() in UTC.
 */
import { describe, it, expect } from '@jest/globals';
import { InvalidScheduleExpression, parseSchedule } from '../../../../local/triggers/schedule-expression.ts';

const T0 = Date.UTC(2024, 0, 1, 10, 30); // Monday 1 January 2024, 10:30 UTC
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The first `n` fire times after T0. */
function fires(expression: string, n: number): (string | undefined)[] {
  const s = parseSchedule(expression, T0);
  const out: (string | undefined)[] = [];
  let t: number | undefined = T0;
  for (let i = 0; i < n && t !== undefined; i++) out.push(iso((t = s.next(t))));
  return out;
}

describe('parseSchedule', () => {
  it.each([
    ['rate(5 minutes)', ['2024-01-01T10:35:00.000Z', '2024-01-01T10:40:00.000Z', '2024-01-01T10:45:00.000Z']],
    ['rate(1 hour)', ['2024-01-01T11:30:00.000Z', '2024-01-01T12:30:00.000Z', '2024-01-01T13:30:00.000Z']],
    ['rate(2 days)', ['2024-01-03T10:30:00.000Z', '2024-01-05T10:30:00.000Z', '2024-01-07T10:30:00.000Z']],
    ['cron(0 12 * * ? *)', ['2024-01-01T12:00:00.000Z', '2024-01-02T12:00:00.000Z', '2024-01-03T12:00:00.000Z']],
    ['cron(0/15 * * * ? *)', ['2024-01-01T10:45:00.000Z', '2024-01-01T11:00:00.000Z', '2024-01-01T11:15:00.000Z']],
    ['cron(0 9 ? * MON-FRI *)', ['2024-01-02T09:00:00.000Z', '2024-01-03T09:00:00.000Z', '2024-01-04T09:00:00.000Z']],
    ['cron(0 0 L * ? *)', ['2024-01-31T00:00:00.000Z', '2024-02-29T00:00:00.000Z', '2024-03-31T00:00:00.000Z']],
  ])('fires %s at the times EventBridge would', (expression, expected) => {
    expect(fires(expression, 3)).toEqual(expected);
  });

  it('counts a rate from the rule, whatever time it is asked from', () => {
    const s = parseSchedule('rate(10 minutes)', T0);

    expect(iso(s.next(T0 + 7 * 60_000))).toBe('2024-01-01T10:40:00.000Z');
  });

  it('stops when a cron year has passed', () => {
    expect(fires('cron(0 0 1 1 ? 2024)', 2)).toEqual([undefined]);
  });

  it.each([
    'rate(1 hours)', 'rate(5 minute)', 'rate(0 minutes)', 'rate(5 seconds)', 'cron(0 12 * * *)', 'cron(0 12 * * * *)',
    'cron(0 12 ? * ? *)', 'cron(x 12 * * ? *)', 'every 5 minutes',
  ])('refuses %s, as PutRule does', (expression) => {
    expect(() => parseSchedule(expression, T0)).toThrow(InvalidScheduleExpression);
  });
});
