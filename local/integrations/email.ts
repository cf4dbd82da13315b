/**
 * SES v2 SendEmail (`arn:aws:states:::aws-sdk:sesv2:sendEmail`, also `.waitForTaskToken`),
 * delivered to the local outbox instead of to anyone. (Step Functions has no optimized
 * `sesv2:sendEmail` resource; definitions naming one are refused at creation, as on AWS.)
 *
 * Written here because fauxqs has no SES and no maintained npm emulator of SES v2's SendEmail
 * that we found keeps mail where a CLI can list it: the outbox is that place. The request is
 * checked the way SES checks it (content, sender and recipients are required) and answered with
 * a `MessageId` in SES's format.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../engine/runtime/integrations.ts';
import { parametersOf, parseResource, serviceFlavor } from './common.ts';
import { AwsSdkServiceFailure } from './errors.ts';
import { OutboxChannel, type Outbox } from './outbox.ts';

export interface EmailIntegrationOptions {
  outbox: Outbox;
  scheduler: Scheduler;
}

/**
 * Sends SES v2 emails to the outbox.
 *
 * @example
 * const outbox = new Outbox({ dataDir });
 * engine.integrations.register(new EmailIntegration({ outbox, scheduler: engine.scheduler }));
 * // later: outbox.list({ channel: 'email' })
 */
export class EmailIntegration implements TaskIntegration {
  private readonly opts: EmailIntegrationOptions;

  constructor(opts: EmailIntegrationOptions) {
    this.opts = opts;
  }

  flavor(resource: string): TaskFlavor | undefined {
    const r = parseResource(resource);
    if (!r || r.pattern === 'sync' || r.action !== 'sendEmail') return undefined;
    return r.resourceType === 'aws-sdk:sesv2' ? serviceFlavor(r) : undefined;
  }

  async invoke(req: TaskRequest): Promise<JsonValue> {
    const params = parametersOf(req);
    const problem = checkSendEmail(params);
    if (problem) {
      const requestId = randomUUID();
      throw new AwsSdkServiceFailure('SesV2.BadRequestException', `${problem} (Service: SesV2, Status Code: 400, Request ID: ${requestId})`);
    }
    const messageId = `0100${randomBytes(8).toString('hex')}-${randomUUID()}-000000`;
    this.opts.outbox.record({
      id: messageId, channel: OutboxChannel.Email, time: new Date(this.opts.scheduler.now()).toISOString(), resource: req.resource,
      executionArn: req.executionArn, stateName: req.stateName, message: params,
    });
    return { MessageId: messageId };
  }
}

/** What SES would refuse in a SendEmail request, in its words; `undefined` when it is fine. */
export function checkSendEmail(p: JsonObject): string | undefined {
  const content = p.Content;
  if (!isJsonObject(content) || (content.Simple === undefined && content.Raw === undefined && content.Template === undefined)) {
    return 'Missing required parameter: Content';
  }
  if (content.Raw !== undefined) return undefined;
  if (typeof p.FromEmailAddress !== 'string' || p.FromEmailAddress === '') return 'Missing required parameter: FromEmailAddress';
  const d = p.Destination;
  const count = (k: string) => (isJsonObject(d) && Array.isArray(d[k]) ? (d[k] as unknown[]).length : 0);
  if (count('ToAddresses') + count('CcAddresses') + count('BccAddresses') === 0) return 'Missing required parameter: Destination';
  if (count('ToAddresses') + count('CcAddresses') + count('BccAddresses') > 50) return 'Recipient count exceeds 50.';
  if (isJsonObject(content.Simple)) {
    const s = content.Simple;
    if (!isJsonObject(s.Subject) || typeof s.Subject.Data !== 'string') return 'Missing required parameter: Content.Simple.Subject.Data';
    if (!isJsonObject(s.Body) || (s.Body.Text === undefined && s.Body.Html === undefined)) return 'Missing required parameter: Content.Simple.Body';
  }
  return undefined;
}
