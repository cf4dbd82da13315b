/**
 * The callback receiver: `POST /callbacks?token=<task token>` takes a signed BI webhook
 * (docs/bi-service.md) and tells Step Functions — `upload.processed` and `job.succeeded` become
 * SendTaskSuccess with the webhook body as output, `upload.failed` and `job.failed`
 * SendTaskFailure (`BI.UploadFailed` / `BI.JobFailed`, cause: the webhook's error), and
 * `job.heartbeat` SendTaskHeartbeat.
 *
 * Answers: 200 `{ accepted: true }`; 401 for a missing or forged signature, a signature made for
 * another callback URL (another task token: the signature covers the path and query as well as
 * the timestamp and body), or a stale timestamp; 409 for an event id already accepted; 400 for a
 * body that is not an event or has no token; 410 when the token's task has ended; 502 when Step
 * Functions could not be told (the id is released, so the sender's retry is accepted). Error
 * bodies are `{ error, message }`.
 *
 * Accepted event ids are recorded before Step Functions is told, in `<dataDir>/accepted-webhooks.db`
 * when a data folder is given (so a replay is refused after a restart too), else in memory; each
 * is kept until its signature's timestamp is past the tolerance (accepted-webhooks.ts).
 */
import { readBody, screenRequest } from '../http/read-body.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BiError, WebhookType, isWebhookType, type WebhookEvent } from './events.ts';
import { EventReplayed, InvalidCallbackToken, InvalidEvent, TaskGone, TaskSenderUnavailable, WebhookRejected } from './errors.ts';
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, callbackToken, verifyWebhook } from './signature.ts';
import { AcceptedWebhooks } from './accepted-webhooks.ts';
import type { TaskSender } from './task-sender.ts';

export interface CallbackReceiverOptions {
  /** 0 or absent: a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** the shared webhook secret (`BI_WEBHOOK_SECRET`) */
  secret: string;
  sfn: TaskSender;
  /** epoch milliseconds: the engine's clock locally (`scheduler.now`), so virtual time agrees with the simulator's signatures */
  clock: () => number;
  toleranceSeconds?: number;
  /** a folder for the accepted event ids (`accepted-webhooks.db`), so replays are refused across restarts; absent: memory only */
  dataDir?: string;
}

export interface CallbackReceiver {
  /** `http://127.0.0.1:port`; callback URLs are `${url}/callbacks?token=...` */
  url: string;
  /** the callback URL for a task token */
  callbackUrl(token: string): string;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 256 * 1024;

/** Errors a TaskSender throws when the token's task is over. */
const GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut']);

/**
 * Starts the receiver; resolves once it listens.
 *
 * @example
 * const receiver = await startCallbackReceiver({ secret: 's3cret', sfn: engineTaskSender(engine), clock: () => scheduler.now() });
 * // give the BI service receiver.callbackUrl(taskToken)
 * await receiver.stop();
 */
export async function startCallbackReceiver(opts: CallbackReceiverOptions): Promise<CallbackReceiver> {
  const host = opts.host ?? '127.0.0.1';
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  /** accepted (or in-progress) event ids, with their signed timestamps for pruning */
  const accepted = new AcceptedWebhooks({ dataDir: opts.dataDir, toleranceSeconds: tolerance });

  const handle = async (req: IncomingMessage): Promise<object> => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method !== 'POST' || url.pathname !== '/callbacks') throw new WebhookRejected(404, 'NotFound', `no route for ${req.method} ${url.pathname}`);
    const body = await readBody(req, MAX_BODY_BYTES, (max) => new InvalidEvent(`the body is larger than ${max} bytes`));
    const nowSeconds = Math.floor(opts.clock() / 1000);
    // the request target as sent: the signature covers it, and the token is read from it
    const target = req.url ?? '/';
    const t = verifyWebhook(opts.secret, target, body, req.headers[SIGNATURE_HEADER], nowSeconds, tolerance);
    const event = parseEvent(body);
    const token = callbackToken(target);
    if (!token) throw new InvalidCallbackToken('the callback URL has no token');
    if (!accepted.accept(event.id, t, nowSeconds)) throw new EventReplayed(event.id);
    try {
      await deliver(opts.sfn, token, event, body);
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      const message = e instanceof Error ? e.message : String(e);
      if (GONE.has(name)) throw new TaskGone(`the task for this token has ended: ${message}`, { cause: e });
      if (name === 'InvalidToken') throw new InvalidCallbackToken(message, { cause: e });
      accepted.release(event.id);
      throw new TaskSenderUnavailable(`Step Functions could not be told: ${message}`, { cause: e });
    }
    return { accepted: true };
  };

  const server = createServer((req, res) => {
    const foreign = screenRequest(req, res);
    if (foreign !== undefined) return send(res, 403, { error: 'Forbidden', message: `Refused: ${foreign}` });
    handle(req).then(
      (body) => send(res, 200, body),
      (e: unknown) => {
        if (e instanceof WebhookRejected) send(res, e.status, { error: e.code, message: e.message });
        else send(res, 500, { error: 'InternalError', message: e instanceof Error ? e.message : String(e) });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (e: Error) => {
      accepted.close();
      reject(e);
    };
    server.once('error', failed);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    callbackUrl: (token) => `${url}/callbacks?token=${encodeURIComponent(token)}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          accepted.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

async function deliver(sfn: TaskSender, token: string, event: WebhookEvent, body: string): Promise<void> {
  const cause = event.error ?? '';
  switch (event.type) {
    case WebhookType.UploadProcessed:
    case WebhookType.JobSucceeded:
      return sfn.sendTaskSuccess(token, body);
    case WebhookType.UploadFailed:
      return sfn.sendTaskFailure(token, BiError.UploadFailed, cause);
    case WebhookType.JobFailed:
      return sfn.sendTaskFailure(token, BiError.JobFailed, cause);
    case WebhookType.JobHeartbeat:
      return sfn.sendTaskHeartbeat(token);
  }
}

function parseEvent(body: string): WebhookEvent {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw new InvalidEvent('the body is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidEvent('the body is not a JSON object');
  const e = v as Record<string, unknown>;
  if (typeof e.id !== 'string' || e.id === '') throw new InvalidEvent('the event has no id');
  if (!isWebhookType(e.type)) throw new InvalidEvent(`unknown event type ${JSON.stringify(e.type)}`);
  return e as unknown as WebhookEvent;
}

function send(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
