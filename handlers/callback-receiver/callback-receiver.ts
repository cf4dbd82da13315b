/**
 * Turns a signed BI webhook into SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat for the task
 * token in its URL (docs/bi-service.md).
 *
 * Answers: 200 `{ accepted: true }`; 401 for a missing or forged signature, a signature made for
 * another callback URL, or a stale timestamp; 409 for an event id already accepted (when a replay
 * guard is given); 400 for a body that is not an event or a request with no token; 405 for another
 * method; 410 when the token's task has ended; 502 when Step Functions could not be told, so the
 * BI service sends the webhook again.
 *
 * Replays: the signature covers the request's path and query, which carry the task token, so a
 * webhook replayed to another token's URL is refused 401; it can only ever reach the task it was
 * sent for. The deployed handler keeps no store of accepted ids (a Lambda has no memory between
 * invocations, and a durable one would need a table this stack does not have): a replay to the
 * same URL is bounded by the 300-second timestamp window, and a replayed success or failure meets
 * a settled token, which Step Functions answers TaskDoesNotExist (410). Only a replayed heartbeat
 * gets through: it repeats a real heartbeat of the same task, so it can delay that task's
 * heartbeat timeout by at most 300 s. A durable `replayGuard` (e.g. a DynamoDB table through
 * @aws-lambda-powertools/idempotency) would close that too, at the cost of a table.
 */
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { HandlerErrorName } from '../shared/errors.ts';
import type { Fetch } from '../shared/bi-client.ts';
import { readSecret } from '../shared/secrets.ts';
import { WebhookType, type CallbackRequest, type CallbackResponse, type Webhook } from './schema.ts';
import { callbackToken, checkWebhookSignature, isWebhookType } from '../shared/webhook.ts';

export interface CallbackReceiverDependencies {
  sfn: SFNClient;
  /** The shared webhook secret (BI_WEBHOOK_SECRET, or fetched by BI_WEBHOOK_SECRET_ARN). */
  secret: string;
  /** Milliseconds since the epoch: the receiver's clock for the timestamp check. */
  now: () => number;
  /** Records an event id; answers false when it was already accepted. */
  replayGuard?: { accept(id: string): Promise<boolean> };
  release?(): void;
}

/** Step Functions' answers that mean the task is no longer waiting for this token. */
const TASK_GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);
/** SendTaskFailure's limits on error and cause. */
const MAX_ERROR = 256;
const MAX_CAUSE = 32_768;

function answer(statusCode: number, body: unknown): CallbackResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function rejected(statusCode: number, error: string, message: string): CallbackResponse {
  return answer(statusCode, { error, message });
}

function parseWebhook(rawBody: string): Webhook | undefined {
  try {
    const body = JSON.parse(rawBody) as Webhook;
    return typeof body === 'object' && body !== null && typeof body.id === 'string' && isWebhookType(body.type) ? body : undefined;
  } catch {
    return undefined;
  }
}

function commandFor(webhook: Webhook, token: string, rawBody: string) {
  switch (webhook.type) {
    case WebhookType.UploadProcessed:
    case WebhookType.JobSucceeded:
      return new SendTaskSuccessCommand({ taskToken: token, output: rawBody });
    case WebhookType.UploadFailed:
    case WebhookType.JobFailed:
      return new SendTaskFailureCommand({
        taskToken: token,
        error: (webhook.type === WebhookType.UploadFailed ? HandlerErrorName.BiUploadFailed : HandlerErrorName.BiJobFailed).slice(0, MAX_ERROR),
        cause: String(webhook.error ?? `${webhook.type} without an error`).slice(0, MAX_CAUSE),
      });
    case WebhookType.JobHeartbeat:
      return new SendTaskHeartbeatCommand({ taskToken: token });
  }
}

/**
 * @example
 * const target = `/callbacks?token=${encodeURIComponent(token)}`;
 * await receiveCallback({ method: 'POST', target, signature: signWebhook(secret, target, body, t), rawBody: body }, deps);
 * // { statusCode: 200, headers: {...}, body: '{"accepted":true}' }
 */
export async function receiveCallback(request: CallbackRequest, deps: CallbackReceiverDependencies): Promise<CallbackResponse> {
  if (request.method !== 'POST') return rejected(405, 'MethodNotAllowed', `${request.method} is not accepted; POST the webhook`);
  const check = checkWebhookSignature(deps.secret, request.target, request.rawBody, request.signature, Math.floor(deps.now() / 1000));
  if (!check.ok) return rejected(401, check.code, check.message);
  const webhook = parseWebhook(request.rawBody);
  if (!webhook) return rejected(400, 'InvalidEvent', 'the body is not a BI webhook event');
  const token = callbackToken(request.target);
  if (!token) return rejected(400, 'InvalidToken', 'the callback URL has no ?token=');
  if (deps.replayGuard && !(await deps.replayGuard.accept(webhook.id))) {
    return rejected(409, 'EventReplayed', `event ${webhook.id} was already accepted`);
  }
  try {
    await deps.sfn.send(commandFor(webhook, token, request.rawBody) as SendTaskSuccessCommand);
  } catch (e) {
    const name = (e as Error).name;
    if (TASK_GONE.has(name)) return rejected(410, 'TaskGone', `the task behind this token has ended (${name})`);
    return rejected(502, 'StepFunctionsUnavailable', `Step Functions could not be told: ${name}`);
  }
  return answer(200, { accepted: true });
}

/**
 * Dependencies from the environment: the webhook secret from BI_WEBHOOK_SECRET (local) or, on AWS,
 * from Secrets Manager by BI_WEBHOOK_SECRET_ARN (infra/ never puts the value in the environment).
 */
export async function callbackReceiverDependencies(env: Record<string, string | undefined>, fetchFn?: Fetch): Promise<CallbackReceiverDependencies> {
  const secret = await readSecret(env, 'BI_WEBHOOK_SECRET', fetchFn);
  const sfn = new SFNClient({});
  return { sfn, secret, now: () => Date.now(), release: () => sfn.destroy() };
}
