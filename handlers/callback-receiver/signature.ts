/**
 * `X-BI-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (docs/bi-service.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck =
  | { ok: true }
  | { ok: false; code: 'SignatureMissing' | 'SignatureMismatch' | 'TimestampOutOfTolerance'; message: string };

/** The header value the BI service sends for `rawBody` at `t`. */
export function sign(secret: string, t: number, rawBody: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex')}`;
}

/**
 * Checks a signature header against the raw body, with `nowSeconds` from the caller's clock.
 *
 * @example
 * verifySignature(secret, req.headers['x-bi-signature'], rawBody, Math.floor(Date.now() / 1000));
 */
export function verifySignature(secret: string, header: string | undefined, rawBody: string, nowSeconds: number): SignatureCheck {
  if (!header) return { ok: false, code: 'SignatureMissing', message: 'no X-BI-Signature header' };
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const candidates = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!);
  if (!Number.isInteger(t) || candidates.length === 0) return { ok: false, code: 'SignatureMissing', message: 'the X-BI-Signature header has no t= and v1=' };
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const matches = candidates.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) return { ok: false, code: 'SignatureMismatch', message: 'the X-BI-Signature does not match the body' };
  const skew = Math.abs(nowSeconds - t);
  if (skew > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, code: 'TimestampOutOfTolerance', message: `the signature's timestamp is ${skew} s from the receiver's clock (tolerance ${SIGNATURE_TOLERANCE_SECONDS} s)` };
  }
  return { ok: true };
}
