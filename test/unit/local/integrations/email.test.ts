/**
 * SES v2 SendEmail delivered to the local outbox, which the CLI reads with listOutbox().
 */
import { describe, it, expect } from '@jest/globals';
import { listOutbox } from '../../../../local/integrations/outbox.ts';
import { causeOf, localEngines, localServices, outputOf, tempDirs } from '../local-env.ts';

const local = localServices();
const localEngine = localEngines(local);
const tempDir = tempDirs();

const EMAIL = {
  FromEmailAddress: 'etl@example.com',
  Destination: { ToAddresses: ['ops@example.com'] },
  Content: { Simple: { Subject: { Data: 'Report ready' }, Body: { Text: { Data: 'Q3 is loaded.' } } } },
};

function send(resource: string, parameters: object): object {
  return {
    StartAt: 'Mail',
    States: {
      Mail: { Type: 'Task', Resource: resource, Parameters: parameters, End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] },
      Caught: { Type: 'Pass', End: true },
    },
  };
}

describe('sesv2:sendEmail', () => {
  it('writes the email to the outbox of the data folder, where listOutbox finds it', async () => {
    // Prepare
    const dataDir = tempDir();
    const env = localEngine({ dataDir });

    // Act
    const { outcome, executionArn } = await env.run(send('arn:aws:states:::aws-sdk:sesv2:sendEmail', EMAIL));

    // Assess
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { MessageId: expect.stringMatching(/^0100[0-9a-f]{16}-[0-9a-f-]{36}-000000$/) } });
    const [entry] = listOutbox(dataDir, { channel: 'email' });
    expect(entry).toMatchObject({ channel: 'email', executionArn, stateName: 'Mail', message: EMAIL, time: '2024-01-01T00:00:00.000Z' });
    expect(entry.id).toBe(outputOf(outcome).MessageId);
  });

  it('lists the outbox oldest first', async () => {
    const dataDir = tempDir();
    const env = localEngine({ dataDir });

    for (const subject of ['first', 'second', 'third']) {
      await env.run(send('arn:aws:states:::aws-sdk:sesv2:sendEmail', { ...EMAIL, Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: '.' } } } } }));
    }

    expect(listOutbox(dataDir).map((e) => (e.message.Content as { Simple: { Subject: { Data: string } } }).Simple.Subject.Data)).toEqual(['first', 'second', 'third']);
  });

  it('refuses an email without recipients with SesV2.BadRequestException and sends nothing', async () => {
    const dataDir = tempDir();
    const env = localEngine({ dataDir });

    const { outcome } = await env.run(send('arn:aws:states:::aws-sdk:sesv2:sendEmail', { ...EMAIL, Destination: {} }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'SesV2.BadRequestException' } });
    expect(causeOf(outcome)).toMatch(/^Missing required parameter: Destination \(Service: SesV2, Status Code: 400, Request ID: /);
    expect(listOutbox(dataDir)).toEqual([]);
  });
});
