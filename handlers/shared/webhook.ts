/**
 * The BI service's webhooks (docs/bi-service.md): their event types and their signature,
 * `X-BI-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The deployed
 * callback-receiver handler and the local stand-ins (BI simulator, local callback receiver) all
 * use this one definition of the contract.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WebhookType = {
  UploadProcessed: 'upload.processed',
  UploadFailed: 'upload.failed',
  JobHeartbeat: 'job.heartbeat',
  JobSucceeded: 'job.succeeded',
  JobFailed: 'job.failed',
} as const;
export type WebhookType = (typeof WebhookType)[keyof typeof WebhookType];

export const WEBHOOK_TYPES: readonly WebhookType[] = Object.values(WebhookType);

export function isWebhookType(v: unknown): v is WebhookType {
  return typeof v === 'string' && (WEBHOOK_TYPES as readonly string[]).includes(v);
}

/** The header that carries the signature (lower-case, as node:http presents headers). */
export const SIGNATURE_HEADER = 'x-bi-signature';

/** How far (seconds) a signed timestamp may be from the receiver's clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureFailure = 'SignatureMissing' | 'SignatureMismatch' | 'TimestampOutOfTolerance';
export type SignatureCheck =
  | { ok: true; t: number }
  | { ok: false; code: SignatureFailure; message: string; /** set for TimestampOutOfTolerance */ skewSeconds?: number };

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/**
 * The `X-BI-Signature` value for `body` sent at `nowSeconds` (whole unix seconds; fractions are
 * dropped).
 *
 * @example
 * const body = JSON.stringify(event);
 * await fetch(callbackUrl, { method: 'POST', body, headers: { 'X-BI-Signature': signWebhook(secret, body, Math.floor(now() / 1000)) } });
 */
export function signWebhook(secret: string, body: string, nowSeconds: number): string {
  const t = Math.floor(nowSeconds);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

/**
 * Checks a webhook's signature against its raw body, with `nowSeconds` from the receiver's clock.
 * Several `v1=` entries are allowed (a sender rotating secrets) and one matching suffices; every
 * candidate is compared in constant time, so the time taken says nothing about which matched.
 *
 * @example
 * const check = checkWebhookSignature(secret, rawBody, req.headers['x-bi-signature'], Math.floor(Date.now() / 1000));
 * if (!check.ok) return reject(401, check.code, check.message);
 */
export function checkWebhookSignature(
  secret: string,
  body: string,
  header: string | string[] | undefined,
  nowSeconds: number,
  toleranceSeconds: number = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  const missing = { ok: false, code: 'SignatureMissing', message: 'the X-BI-Signature header is missing or malformed' } as const;
  if (typeof header !== 'string') return missing;
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,15}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (t === undefined || candidates.length === 0) return missing;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  let matched = false;
  for (const c of candidates) matched = timingSafeEqual(expected, Buffer.from(c, 'hex')) || matched;
  if (!matched) return { ok: false, code: 'SignatureMismatch', message: 'the X-BI-Signature does not match the body' };
  const skew = Math.abs(Math.floor(nowSeconds) - t);
  if (skew > toleranceSeconds) {
    return {
      ok: false,
      code: 'TimestampOutOfTolerance',
      message: `the signature's timestamp is ${skew} s from the receiver's clock (tolerance ${toleranceSeconds} s)`,
      skewSeconds: skew,
    };
  }
  return { ok: true, t };
}
