/**
 * SES v2's SendEmail over HTTP, for the handlers the Lambda runtime runs and for Task states: a
 * handler's `SESv2Client` reaches it through `AWS_ENDPOINT_URL_SESV2`, a Task state's
 * `aws-sdk:sesv2:*` through the AWS SDK integration's client (which names the Task in
 * SES_TASK_HEADERS). Both write to the same outbox, so an e-mail is one place to look whichever
 * way the workflow sent it.
 *
 * Written here because fauxqs has no SES and no maintained npm package emulates SES v2; only
 * SendEmail (`POST /v2/email/outbound-emails`, REST-JSON) is served. Requests are checked as SES
 * checks them (`checkSendEmail`) and refused in SES's error shape: status 400, header
 * `x-amzn-ErrorType`, body `{ "message": ... }`, which the SDK turns into `BadRequestException`.
 * A request from a web page (a non-loopback Host, a foreign Origin) is refused with 403
 * AccessDeniedException, and a body over 40 MB as soon as its length says so.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { isJsonObject, type JsonObject } from '../../engine/json.ts';
import { readBody, screenRequest } from '../http/read-body.ts';
import { checkSendEmail } from '../integrations/email.ts';
import { OutboxChannel, type Outbox } from '../integrations/outbox.ts';
import { listenOnLoopback } from '../http/listen.ts';

export interface SesEndpointOptions {
  outbox: Outbox;
  /** the engine's clock, for the outbox entry's time */
  clock: () => number;
  /** 0 or absent: a free port */
  port?: number;
}

export interface SesEndpoint {
  url: string;
  stop(): Promise<void>;
}

/** The resource an e-mail sent through this endpoint is recorded under. */
export const SES_SEND_EMAIL = 'ses:SendEmail';

/**
 * Headers an `aws-sdk:sesv2:sendEmail` Task adds to its request, so that the outbox records the
 * task's resource, execution and state as for any Task's message (a handler sends none of them).
 */
export const SES_TASK_HEADERS = {
  resource: 'x-longhaul-resource',
  executionArn: 'x-longhaul-execution-arn',
  stateName: 'x-longhaul-state-name',
} as const;

/** SES refuses messages above 40 MB; the outbox has no reason to take more. */
const MAX_BODY_BYTES = 40 * 1024 * 1024;

class SesError extends Error {
  readonly status: number;
  constructor(name: string, message: string, status = 400) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

/**
 * Starts the endpoint on 127.0.0.1.
 *
 * @example
 * const ses = await startSesEndpoint({ outbox, clock: () => scheduler.now() });
 * // a handler with AWS_ENDPOINT_URL_SESV2=ses.url sends; outbox.list({ channel: 'email' }) has it
 */
export async function startSesEndpoint(opts: SesEndpointOptions): Promise<SesEndpoint> {
  const server = createServer((req, res) => {
    const foreign = screenRequest(req, res);
    if (foreign !== undefined) {
      reply(res, 403, { message: `Refused: ${foreign}. The local SES endpoint answers only this machine's own clients.` }, 'AccessDeniedException');
      return;
    }
    handle(req, opts).then(
      (body) => reply(res, 200, body),
      (e: unknown) => {
        const err = e instanceof SesError ? e : new SesError('InternalFailure', e instanceof Error ? e.message : String(e), 500);
        reply(res, err.status, { message: err.message }, err.name);
      },
    );
  });
  return listenOnLoopback(server, opts.port);
}

async function handle(req: IncomingMessage, opts: SesEndpointOptions): Promise<JsonObject> {
  const path = (req.url ?? '').split('?')[0];
  if (req.method !== 'POST' || path !== '/v2/email/outbound-emails') {
    throw new SesError('NotFoundException', `The local SES endpoint serves only SendEmail (POST /v2/email/outbound-emails), not ${req.method} ${path}`, 404);
  }
  const text = await readBody(req, MAX_BODY_BYTES, (max) => new SesError('MessageRejected', `Message length is more than ${max} bytes`));
  let params: unknown;
  try {
    params = JSON.parse(text);
  } catch {
    throw new SesError('BadRequestException', 'The request body is not valid JSON');
  }
  if (!isJsonObject(params)) throw new SesError('BadRequestException', 'The request body must be a JSON object');
  const problem = checkSendEmail(params);
  if (problem) throw new SesError('BadRequestException', problem);
  const messageId = `0100${randomBytes(8).toString('hex')}-${randomUUID()}-000000`;
  const task = taskOf(req);
  opts.outbox.record({
    id: messageId, channel: OutboxChannel.Email, time: new Date(opts.clock()).toISOString(), resource: task.resource ?? SES_SEND_EMAIL,
    ...(task.executionArn ? { executionArn: task.executionArn } : {}), ...(task.stateName ? { stateName: task.stateName } : {}), message: params,
  });
  return { MessageId: messageId };
}

function reply(res: ServerResponse, status: number, body: JsonObject, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  });
  res.end(text);
}

/** The Task a request says it comes from (see SES_TASK_HEADERS); all absent for a handler's call. */
function taskOf(req: IncomingMessage): { resource?: string; executionArn?: string; stateName?: string } {
  const header = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const stateName = header(SES_TASK_HEADERS.stateName);
  return { resource: header(SES_TASK_HEADERS.resource), executionArn: header(SES_TASK_HEADERS.executionArn), stateName: stateName && decodeURIComponent(stateName) };
}
