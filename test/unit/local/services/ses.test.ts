/** SES v2 SendEmail for the handlers: the real SESv2Client against the local endpoint. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { BadRequestException, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { Outbox } from '../../../../local/integrations/outbox.ts';
import { SES_SEND_EMAIL, startSesEndpoint, type SesEndpoint } from '../../../../local/services/ses.ts';
import { LOCAL_CREDENTIALS } from '../../../../local/services/clients.ts';

const open: SesEndpoint[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.stop();
});

async function setup() {
  const outbox = new Outbox();
  const ses = await startSesEndpoint({ outbox, clock: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
  open.push(ses);
  const client = new SESv2Client({ endpoint: ses.url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  return { outbox, client };
}

const EMAIL = {
  FromEmailAddress: 'longhaul@example.com',
  Destination: { ToAddresses: ['team@example.com'] },
  Content: { Simple: { Subject: { Data: 'Report loaded' }, Body: { Text: { Data: 'Done.' } } } },
};

describe('the local SES v2 endpoint', () => {
  it('answers SendEmail with a MessageId and records the e-mail in the outbox', async () => {
    // Prepare
    const { outbox, client } = await setup();
    // Act
    const answer = await client.send(new SendEmailCommand(EMAIL));
    // Assess
    expect(answer.MessageId).toMatch(/^0100[0-9a-f]{16}-[0-9a-f-]{36}-000000$/);
    expect(outbox.list({ channel: 'email' })).toEqual([
      { id: answer.MessageId, channel: 'email', time: '2026-01-02T03:04:05.000Z', resource: SES_SEND_EMAIL, message: EMAIL },
    ]);
    client.destroy();
  });

  it('refuses an e-mail without recipients as SES does, and records nothing', async () => {
    // Prepare
    const { outbox, client } = await setup();
    // Act
    const sent = client.send(new SendEmailCommand({ ...EMAIL, Destination: { ToAddresses: [] } }));
    // Assess
    await expect(sent).rejects.toThrow(BadRequestException);
    await expect(sent).rejects.toThrow('Missing required parameter: Destination');
    expect(outbox.list()).toEqual([]);
    client.destroy();
  });
});
