/**
 * Webhook signatures as docs/bi-service.md defines them, shared by the BI simulator (which signs)
 * and the callback receiver (which verifies):
 * `X-BI-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureMismatch, SignatureMissing, TimestampOutOfTolerance } from './errors.ts';

/** The header that carries the signature (lower-case, as node:http presents headers). */
export const SIGNATURE_HEADER = 'x-bi-signature';

/** How far (seconds) a signed timestamp may be from the receiver's clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

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
 * Checks a webhook's signature against its raw body and returns the signed timestamp; throws
 * SignatureMissing, SignatureMismatch or TimestampOutOfTolerance. Several `v1=` entries are
 * allowed (a sender rotating secrets) and one matching suffices; the comparison is constant-time.
 *
 * @example
 * verifyWebhook(secret, rawBody, req.headers['x-bi-signature'], Math.floor(Date.now() / 1000));
 */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string | string[] | undefined,
  nowSeconds: number,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): number {
  if (typeof header !== 'string') throw new SignatureMissing();
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
  if (t === undefined || candidates.length === 0) throw new SignatureMissing();
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  // compare every candidate, so the time taken says nothing about which (if any) matched
  let matched = false;
  for (const c of candidates) matched = timingSafeEqual(expected, Buffer.from(c, 'hex')) || matched;
  if (!matched) throw new SignatureMismatch();
  const skew = Math.abs(Math.floor(nowSeconds) - t);
  if (skew > toleranceSeconds) throw new TimestampOutOfTolerance(skew, toleranceSeconds);
  return t;
}
