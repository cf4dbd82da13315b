import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../handlers/notify/index.ts';
import { composeMessage, notify } from '../../../handlers/notify/notify.ts';
import { parseNotifyInput } from '../../../handlers/notify/schema.ts';
import { captureLogs, lambdaContext } from './support/bi-fake.ts';
import { IDEMPOTENCY_DISABLED_ENV } from '../../../handlers/shared/idempotency.ts';

// These tests are about each handler's own work; idempotency.test.ts runs the idempotency layer
// against a real (local) DynamoDB table.
beforeAll(() => {
  process.env[IDEMPOTENCY_DISABLED_ENV] = 'true';
});
afterAll(() => {
  delete process.env[IDEMPOTENCY_DISABLED_ENV];
});

const sesMock = mockClient(SESv2Client);
const report = { bucket: 'reports', key: 'q3.csv' };

afterEach(() => {
  sesMock.reset();
  delete process.env.EMAIL_FROM;
  delete process.env.EMAIL_TO;
});

describe('notify', () => {
  it.each([
    ['SUCCEEDED', { outcome: 'SUCCEEDED', report, jobId: 'job-1' }, 'Report loaded: s3://reports/q3.csv', 'by ETL job job-1'],
    ['JOB_FAILED', { outcome: 'JOB_FAILED', report, jobId: 'job-1', error: 'disk full' }, 'Report ETL failed: s3://reports/q3.csv', 'failed: disk full'],
    ['DEADLINE_PASSED', { outcome: 'DEADLINE_PASSED', report: 'q3 sales', jobId: 'job-1' }, 'Report ETL overdue: q3 sales', 'did not finish before its deadline'],
    ['UPLOAD_FAILED', { outcome: 'UPLOAD_FAILED', report, error: 'bad CSV header' }, 'Report upload failed: s3://reports/q3.csv', 'bad CSV header'],
    ['EXPORTED', { outcome: 'EXPORTED', report: { bucket: 'reports', key: 'exports/2026-12-05.json' }, summary: '3 result objects of 2026-12-05' }, 'Nightly export ready: s3://reports/exports/2026-12-05.json', '3 result objects of 2026-12-05'],
  ] as const)('words the %s outcome', (_outcome, event, subject, text) => {
    const message = composeMessage(parseNotifyInput(event));

    expect(message.subject).toBe(subject);
    expect(message.text).toContain(text);
  });

  it('sends one e-mail from and to the configured addresses, the same for the same input', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const deps = { ses: new SESv2Client({}), from: 'etl@example.com', to: ['ops@example.com'] };
    const input = parseNotifyInput({ outcome: 'SUCCEEDED', report, jobId: 'job-1' });

    const first = await notify(input, deps);
    await notify(input, deps);

    expect(first).toEqual({ messageId: 'm-1' });
    expect(sesMock).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'etl@example.com',
      Destination: { ToAddresses: ['ops@example.com'] },
    });
    const [a, b] = sesMock.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(b).toEqual(a);
  });

  it.each([
    ['an unknown outcome', { outcome: 'MAYBE', report }],
    ['a missing report', { outcome: 'SUCCEEDED' }],
  ])('rejects %s as Handler.InvalidInput', (_what, event) => {
    expect(() => parseNotifyInput(event)).toThrow(expect.objectContaining({ name: 'Handler.InvalidInput' }));
  });

  it('runs end to end through Middy with addresses from the environment', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    Object.assign(process.env, { EMAIL_FROM: 'etl@example.com', EMAIL_TO: 'ops@example.com, bi@example.com' });
    const event = { outcome: 'JOB_FAILED', report, jobId: 'job-9', error: 'timeout in step 3' };

    const { result, logs } = await captureLogs(() => handler(event, lambdaContext()));

    expect(result).toEqual({ messageId: 'm-2' });
    expect(sesMock).toHaveReceivedCommandWith(SendEmailCommand, { Destination: { ToAddresses: ['ops@example.com', 'bi@example.com'] } });
    expect(logs.map((l) => JSON.parse(l))).toEqual([{ event }, { response: result }]);
  });
});
