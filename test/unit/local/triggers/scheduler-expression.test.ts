/**
 * EventBridge Scheduler's expressions: rate, six-field cron with `?`, one-time at(), and a time
 * zone for cron and at.
 */
import { describe, expect, it } from '@jest/globals';
import { InvalidScheduleExpression, parseSchedulerExpression } from '../../../../local/triggers/schedule-expression.ts';
import { executionName } from '../../../../local/triggers/schedules.ts';

const T0 = Date.UTC(2024, 0, 1); // a Monday, winter time in Europe

describe('parseSchedulerExpression', () => {
  it.each([
    ['rate(5 minutes)', 'UTC', T0, '2024-01-01T00:05:00.000Z'],
    ['cron(0 9 * * ? *)', 'UTC', T0, '2024-01-01T09:00:00.000Z'],
    ['cron(0 9 * * ? *)', 'Europe/Paris', T0, '2024-01-01T08:00:00.000Z'],
    ['cron(0 9 * * ? *)', 'America/New_York', Date.UTC(2024, 6, 1), '2024-07-01T13:00:00.000Z'],
    ['cron(30 2 ? * MON-FRI *)', 'UTC', Date.UTC(2024, 0, 6), '2024-01-08T02:30:00.000Z'],
    ['at(2024-01-01T00:05:00)', 'UTC', T0, '2024-01-01T00:05:00.000Z'],
    ['at(2024-01-01T09:00:00)', 'Asia/Tokyo', T0 - 86_400_000, '2024-01-01T00:00:00.000Z'],
  ])('%s in %s fires next at the right instant', (expression, timezone, after, expected) => {
    // Act
    const next = parseSchedulerExpression(expression, after, timezone).next(after);

    // Assess
    expect(new Date(next!).toISOString()).toBe(expected);
  });

  it('fires a one-time schedule once', () => {
    const at = parseSchedulerExpression('at(2024-01-01T00:05:00)', T0);
    expect(at.next(Date.UTC(2024, 0, 1, 0, 5))).toBeUndefined();
  });

  it.each([['at(2024-01-01 00:05:00)', 'UTC'], ['cron(0 9 * * * *)', 'UTC'], ['rate(5 minutes)', 'Mars/Olympus']])('refuses %s in %s', (expression, timezone) => {
    expect(() => parseSchedulerExpression(expression, T0, timezone)).toThrow(InvalidScheduleExpression);
  });
});

describe('executionName', () => {
  it('names a tick after its schedule and its scheduled time, within 80 characters', () => {
    expect(executionName('hourly', Date.UTC(2024, 0, 1, 0, 5))).toBe('hourly-20240101T000500Z');
    expect(executionName('x'.repeat(100), T0)).toHaveLength(80);
  });
});
