import { asRecord, invalid } from '../shared/input.ts';

/** The request as the receiver needs it, whatever carried it (a Function URL, a test). */
export interface CallbackRequest {
  method: string;
  /** The task token from `?token=`, already URL-decoded. */
  token?: string;
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
 * Reads a Lambda Function URL event (payload format 2.0). Header names arrive lower-cased; a body
 * may arrive base64-encoded.
 */
export function parseFunctionUrlEvent(event: unknown): CallbackRequest {
  const e = asRecord(event, 'function URL event');
  const http = asRecord(asRecord(e.requestContext ?? {}, 'requestContext').http ?? {}, 'requestContext.http');
  const headers = asRecord(e.headers ?? {}, 'headers') as Record<string, string | undefined>;
  const query = asRecord(e.queryStringParameters ?? {}, 'queryStringParameters') as Record<string, string | undefined>;
  if (e.body !== undefined && typeof e.body !== 'string') throw invalid('body must be a string');
  const body = (e.body as string | undefined) ?? '';
  return {
    method: typeof http.method === 'string' ? http.method : 'POST',
    // Function URLs decode query parameters; rawQueryString is the fallback for hand-made events.
    token: query.token ?? (typeof e.rawQueryString === 'string' ? new URLSearchParams(e.rawQueryString).get('token') ?? undefined : undefined),
    signature: headers['x-bi-signature'],
    rawBody: e.isBase64Encoded === true ? Buffer.from(body, 'base64').toString('utf8') : body,
  };
}
