import { asRecord, invalid } from '../shared/input.ts';

/** The request as the receiver needs it, whatever carried it (a Function URL, a test). */
export interface CallbackRequest {
  method: string;
  /**
   * The request target as sent: path and query (`/callbacks?token=<urlencoded task token>`). The
   * signature covers it, and the receiver reads the task token from it and from nowhere else.
   */
  target: string;
  /** The `X-BI-Signature` header. */
  signature?: string;
  /** The body exactly as sent: the signature covers these bytes. */
  rawBody: string;
}

/** A Function URL's answer. */
export interface CallbackResponse {
  statusCode: number;
  headers: { 'content-type': 'application/json' };
  body: string;
}

import type { WebhookType } from '../shared/webhook.ts';

export { WebhookType } from '../shared/webhook.ts';

export interface Webhook {
  id: string;
  type: WebhookType;
  error?: string;
  [field: string]: unknown;
}

/**
 * Reads an HTTP API or Function URL event (payload format 2.0). Header names arrive lower-cased; a
 * body may arrive base64-encoded. The target is `rawPath` and `rawQueryString`, the path and
 * query as the sender sent them (the $default stage adds no prefix); the parsed
 * `queryStringParameters` are not used, so the token acted on is the one the signature covered.
 */
export function parseFunctionUrlEvent(event: unknown): CallbackRequest {
  const e = asRecord(event, 'function URL event');
  const http = asRecord(asRecord(e.requestContext ?? {}, 'requestContext').http ?? {}, 'requestContext.http');
  const headers = asRecord(e.headers ?? {}, 'headers') as Record<string, string | undefined>;
  if (e.body !== undefined && typeof e.body !== 'string') throw invalid('body must be a string');
  const body = (e.body as string | undefined) ?? '';
  return {
    method: typeof http.method === 'string' ? http.method : 'POST',
    target: targetOf(e, http),
    signature: headers['x-bi-signature'],
    rawBody: e.isBase64Encoded === true ? Buffer.from(body, 'base64').toString('utf8') : body,
  };
}

/**
 * HTTP APIs hand over `rawPath` percent-decoded but `rawQueryString` as sent. The route is exactly
 * `POST /callbacks`, which has nothing to decode, and the token rides in the query, byte for byte.
 */
function targetOf(e: Record<string, unknown>, http: Record<string, unknown>): string {
  const path = typeof e.rawPath === 'string' ? e.rawPath : typeof http.path === 'string' ? http.path : '/';
  const query = typeof e.rawQueryString === 'string' && e.rawQueryString !== '' ? `?${e.rawQueryString}` : '';
  return `${path}${query}`;
}
