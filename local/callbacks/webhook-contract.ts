/**
 * The BI service's webhooks (docs/bi-service.md): their event types and their signature,
 * `X-BI-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<path and query>.<raw body>">`.
 * The deployed callback-receiver handler and the local stand-ins (BI simulator, local callback
 * receiver) all use this one definition of the contract.
 *
 * Why the path and query are signed: the task token rides in the callback URL (`?token=`), so a
 * signature over the body alone could be replayed to another token's URL and settle another
 * execution. Signing the request target binds each webhook to the one task it was sent for.
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

/**
 * The part of a callback URL the signature covers: its path and query (`/callbacks?token=...`),
 * as the WHATWG URL parser normalizes them — the form `fetch` puts on the wire, and the form a
 * receiver gets back from what it was sent. Scheme and host are left out: a receiver behind a
 * proxy or an API gateway cannot be sure of the host the sender used, but it sees the path.
 *
 * @example
 * signedTarget('https://abc.execute-api.eu-west-1.amazonaws.com/callbacks?token=AQB%2Fx'); // '/callbacks?token=AQB%2Fx'
 * signedTarget('/callbacks?token=AQB%2Fx'); // the same: a request target as a server reads it
 */
export function signedTarget(urlOrTarget: string): string {
  const url = new URL(urlOrTarget, 'http://receiver.invalid');
  return `${url.pathname}${url.search}`;
}

/**
 * The task token in a callback URL or request target (`?token=`, URL-decoded), or undefined.
 * Receivers read the token from the very target the signature covered, never from elsewhere.
 */
export function callbackToken(urlOrTarget: string): string | undefined {
  const token = new URL(urlOrTarget, 'http://receiver.invalid').searchParams.get('token');
  return token === null || token === '' ? undefined : token;
}

/** The string HMAC-SHA256 is computed over: `<t>.<path and query>.<raw body>`. */
export function signedPayload(t: number, target: string, body: string): string {
  return `${t}.${signedTarget(target)}.${body}`;
}

/** Why a signature does not match, for the sender to read: the path is the part senders forget. */
export const SIGNATURE_MISMATCH_MESSAGE =
  'the X-BI-Signature does not match this request: it must be the HMAC of "<t>.<path and query>.<body>" ' +
  'with the shared secret, and a webhook signed for one callback URL (one task token) is not accepted at another';

function hmac(secret: string, t: number, target: string, body: string): string {
  return createHmac('sha256', secret).update(signedPayload(t, target, body)).digest('hex');
}

/**
 * The `X-BI-Signature` value for `body` POSTed to `callbackUrl` at `nowSeconds` (whole unix
 * seconds; fractions are dropped). `callbackUrl` may be the full URL or its path and query.
 *
 * @example
 * const body = JSON.stringify(event);
 * await fetch(callbackUrl, { method: 'POST', body, headers: { 'X-BI-Signature': signWebhook(secret, callbackUrl, body, Math.floor(now() / 1000)) } });
 */
export function signWebhook(secret: string, callbackUrl: string, body: string, nowSeconds: number): string {
  const t = Math.floor(nowSeconds);
  return `t=${t},v1=${hmac(secret, t, callbackUrl, body)}`;
}

/**
 * Checks a webhook's signature against the request target it arrived at (path and query, or the
 * full URL) and its raw body, with `nowSeconds` from the receiver's clock. Several `v1=` entries
 * are allowed (a sender rotating secrets) and one matching suffices; every candidate is compared
 * in constant time, so the time taken says nothing about which matched.
 *
 * A webhook signed for one callback URL and sent to another (another task token) does not match:
 * `SignatureMismatch`, which receivers answer 401.
 *
 * @example
 * const check = checkWebhookSignature(secret, req.url, rawBody, req.headers['x-bi-signature'], Math.floor(Date.now() / 1000));
 * if (!check.ok) return reject(401, check.code, check.message);
 */
export function checkWebhookSignature(
  secret: string,
  target: string,
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
  const expected = Buffer.from(hmac(secret, t, target, body), 'hex');
  let matched = false;
  for (const c of candidates) matched = timingSafeEqual(expected, Buffer.from(c, 'hex')) || matched;
  if (!matched) return { ok: false, code: 'SignatureMismatch', message: SIGNATURE_MISMATCH_MESSAGE };
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
