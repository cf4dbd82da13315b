/** What `longhaul serve` prints about the resources its config declares: one line per kind. */
import { describe, expect, it } from '@jest/globals';
import { resourceLines } from '../../../cli/serve.ts';

describe('resourceLines', () => {
  it('prints one line per declared kind and none for a kind the config leaves out', () => {
    // Act
    const lines = resourceLines({
      queues: ['dlq', { name: 'jobs', deadLetter: { queue: 'dlq', maxReceiveCount: 3 } }],
      topics: ['events'],
      subscriptions: [{ topic: 'events', protocol: 'lambda', endpoint: 'refunds', filterPolicy: { kind: ['refund'] } }],
      eventSourceMappings: [{ queue: 'jobs', function: 'work' }],
      schedules: [{ name: 'nightly', expression: 'cron(0 2 * * ? *)', timezone: 'Europe/Paris', stateMachine: 'etl' }],
      secrets: [{ name: 'db-password' }],
    }, { httpApis: { admin: { name: 'admin', url: 'http://127.0.0.1:9010', stop: async () => {} } }, secrets: { url: 'http://127.0.0.1:9011', arns: {}, stop: async () => {} } });

    // Assess
    expect(lines).toEqual([
      '  queues               dlq, jobs (DLQ dlq after 3)',
      '  topics               events',
      '  subscriptions        events → lambda:refunds (filtered)',
      '  event sources        jobs → work',
      '  schedules            nightly cron(0 2 * * ? *) Europe/Paris → etl',
      '  HTTP APIs            admin http://127.0.0.1:9010',
      '  secrets              db-password at http://127.0.0.1:9011',
    ]);
  });
});
