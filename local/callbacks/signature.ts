/**
 * Webhook signatures for the local stand-ins: the contract's one implementation
 * (handlers/shared/webhook.ts), with failures as the receiver's error classes.
 */
import { checkWebhookSignature, SIGNATURE_TOLERANCE_SECONDS } from './webhook-contract.ts';
import { SignatureMismatch, SignatureMissing, TimestampOutOfTolerance } from './errors.ts';

export { SIGNATURE_HEADER, signWebhook, signedTarget, callbackToken } from './webhook-contract.ts';

/** How far (seconds) a signed timestamp may be from the receiver's clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = SIGNATURE_TOLERANCE_SECONDS;

/**
 * Checks a webhook's signature against the request target it arrived at (path and query) and
 * its raw body, and returns the signed timestamp; throws SignatureMissing, SignatureMismatch (also
 * for a webhook signed for another callback URL) or TimestampOutOfTolerance.
 *
 * @example
 * verifyWebhook(secret, req.url, rawBody, req.headers['x-bi-signature'], Math.floor(Date.now() / 1000));
 */
export function verifyWebhook(
  secret: string,
  target: string,
  body: string,
  header: string | string[] | undefined,
  nowSeconds: number,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): number {
  const check = checkWebhookSignature(secret, target, body, header, nowSeconds, toleranceSeconds);
  if (check.ok) return check.t;
  if (check.code === 'SignatureMissing') throw new SignatureMissing();
  if (check.code === 'SignatureMismatch') throw new SignatureMismatch(check.message);
  throw new TimestampOutOfTolerance(check.skewSeconds!, toleranceSeconds);
}
