/**
 * `arn:aws:states:::http:invoke`: the HTTP Task, calling an HTTP(S) API from a workflow.
 *
 * Parameters as Step Functions takes them: ApiEndpoint and Method (required), Headers,
 * QueryParameters, RequestBody (JSON, or text), and Transform.RequestBodyEncoding
 * (`URL_ENCODED`, with RequestEncodingOptions.ArrayFormat). The result is
 * `{ResponseBody, StatusCode, StatusText, Headers}`, the body parsed when it is JSON and each
 * header a list of values. A status other than 2xx fails the task with
 * `States.Http.StatusCode.<status>` (the cause holds that result as JSON); a connection that
 * cannot be made, breaks or times out fails it with `States.Http.Socket`.
 *
 * Locally there are no EventBridge connections: `Authentication.ConnectionArn` (or
 * `InvocationConfig.ConnectionArn`) is accepted and not required; credentials a connection would
 * add can be given as `connections` (ARN → headers and query parameters).
 */
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../engine/runtime/integrations.ts';
import { asWork, parametersOf, parseResource, serviceFlavor } from './common.ts';
import { HttpSocketFailure, HttpStatusFailure, InvalidTaskParameters } from './errors.ts';

/** What an EventBridge connection would add to each request. */
export interface LocalConnection {
  headers?: Record<string, string>;
  queryParameters?: Record<string, string>;
}

export interface HttpInvokeIntegrationOptions {
  scheduler: Scheduler;
  /** connection ARN → what it adds; unknown ARNs add nothing */
  connections?: Record<string, LocalConnection>;
  /** how long one request may take (default 60 s, as on AWS) */
  timeoutMs?: number;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);

/** Headers an HTTP Task may not set (Step Functions refuses them). */
const FORBIDDEN_HEADERS = new Set([
  'a-im', 'accept-charset', 'accept-datetime', 'accept-encoding', 'authorization', 'cache-control', 'connection', 'content-encoding',
  'content-md5', 'date', 'expect', 'forwarded', 'from', 'host', 'http2-settings', 'if-match', 'if-modified-since', 'if-none-match',
  'if-range', 'if-unmodified-since', 'max-forwards', 'origin', 'pragma', 'proxy-authorization', 'referer', 'server', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'via', 'warning',
]);

function forbidden(name: string): boolean {
  const n = name.toLowerCase();
  return FORBIDDEN_HEADERS.has(n) || n.startsWith('x-forwarded-') || n.startsWith('x-amz-') || n.startsWith('x-amzn-');
}

/** Step Functions' limit on a task result, which bounds how much of a response is read. */
const MAX_BODY = 256 * 1024;

/**
 * Runs HTTP Tasks with `fetch`.
 *
 * @example
 * engine.integrations.register(new HttpInvokeIntegration({ scheduler: engine.scheduler }));
 * // "Resource": "arn:aws:states:::http:invoke",
 * // "Parameters": { "ApiEndpoint": "http://127.0.0.1:8080/reports", "Method": "POST", "RequestBody": { "id": 1 } }
 */
export class HttpInvokeIntegration implements TaskIntegration {
  private readonly opts: HttpInvokeIntegrationOptions;

  constructor(opts: HttpInvokeIntegrationOptions) {
    this.opts = opts;
  }

  flavor(resource: string): TaskFlavor | undefined {
    const r = parseResource(resource);
    return r && r.resourceType === 'http' && r.action === 'invoke' && r.pattern === 'request' ? serviceFlavor(r) : undefined;
  }

  async invoke(req: TaskRequest): Promise<JsonValue> {
    const p = parametersOf(req);
    const { url, init } = this.request(p);
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 60_000);
    const signal = AbortSignal.any([req.signal, timeout]);
    return asWork(this.opts.scheduler, async () => {
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, { ...init, signal, redirect: 'follow' });
        text = await readBody(res);
      } catch (e) {
        if (req.signal.aborted) throw e;
        const why = timeout.aborted ? 'The request timed out' : `${(e as Error).message}${(e as { cause?: Error }).cause ? `: ${(e as { cause: Error }).cause.message}` : ''}`;
        throw new HttpSocketFailure(why);
      }
      const result = httpResult(res, text);
      if (res.status < 200 || res.status > 299) throw new HttpStatusFailure(res.status, JSON.stringify(result));
      return result;
    });
  }

  private request(p: JsonObject): { url: URL; init: RequestInit } {
    const endpoint = p.ApiEndpoint;
    let url: URL;
    try {
      if (typeof endpoint !== 'string') throw new Error('missing');
      url = new URL(endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new InvalidTaskParameters("The field 'ApiEndpoint' must be an http or https URL");
    }
    const method = typeof p.Method === 'string' ? p.Method.toUpperCase() : '';
    if (!METHODS.has(method)) throw new InvalidTaskParameters("The field 'Method' must be one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD");
    const headers = new Headers();
    if (p.Headers !== undefined) {
      if (!isJsonObject(p.Headers)) throw new InvalidTaskParameters("The field 'Headers' must be an object");
      for (const [k, v] of Object.entries(p.Headers)) {
        if (forbidden(k)) throw new InvalidTaskParameters(`The header '${k}' cannot be set in an HTTP Task`);
        headers.set(k, Array.isArray(v) ? v.map(scalar).join(',') : scalar(v));
      }
    }
    if (p.QueryParameters !== undefined) {
      if (!isJsonObject(p.QueryParameters)) throw new InvalidTaskParameters("The field 'QueryParameters' must be an object");
      for (const [k, v] of Object.entries(p.QueryParameters)) {
        if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, scalar(item));
        else url.searchParams.set(k, scalar(v));
      }
    }
    const auth = isJsonObject(p.Authentication) ? p.Authentication : isJsonObject(p.InvocationConfig) ? p.InvocationConfig : undefined;
    const connection = typeof auth?.ConnectionArn === 'string' ? this.opts.connections?.[auth.ConnectionArn] : undefined;
    for (const [k, v] of Object.entries(connection?.headers ?? {})) headers.set(k, v);
    for (const [k, v] of Object.entries(connection?.queryParameters ?? {})) url.searchParams.set(k, v);
    headers.set('User-Agent', 'Amazon|StepFunctions|HttpInvoke|local');

    let body: string | undefined;
    if (p.RequestBody !== undefined && method !== 'GET' && method !== 'HEAD') {
      const t = isJsonObject(p.Transform) ? p.Transform : {};
      if (t.RequestBodyEncoding === 'URL_ENCODED' && isJsonObject(p.RequestBody)) {
        const opts = isJsonObject(t.RequestEncodingOptions) ? t.RequestEncodingOptions : {};
        body = urlEncode(p.RequestBody, typeof opts.ArrayFormat === 'string' ? opts.ArrayFormat : 'INDICES');
        if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/x-www-form-urlencoded');
      } else {
        body = typeof p.RequestBody === 'string' ? p.RequestBody : JSON.stringify(p.RequestBody);
        if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json; charset=UTF-8');
      }
    }
    return { url, init: { method, headers, body } };
  }
}

function scalar(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Form-encodes an object, arrays written in one of the ArrayFormat styles Step Functions offers. */
export function urlEncode(body: JsonObject, arrayFormat: string): string {
  const parts: string[] = [];
  const add = (k: string, v: string) => parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  for (const [k, v] of Object.entries(body)) {
    if (!Array.isArray(v)) {
      add(k, scalar(v));
      continue;
    }
    if (arrayFormat === 'COMMAS') add(k, v.map(scalar).join(','));
    else if (arrayFormat === 'BRACKETS') for (const item of v) add(`${k}[]`, scalar(item));
    else if (arrayFormat === 'REPEAT') for (const item of v) add(k, scalar(item));
    else v.forEach((item, i) => add(`${k}[${i}]`, scalar(item)));
  }
  return parts.join('&');
}

async function readBody(res: Response): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    chunks.push(chunk);
    size += chunk.byteLength;
    // more than a task result can hold: the engine's size check fails the task on it
    if (size > MAX_BODY + 1) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function httpResult(res: Response, text: string): JsonObject {
  const headers: JsonObject = {};
  res.headers.forEach((value, name) => {
    headers[name] = name === 'set-cookie' ? res.headers.getSetCookie() : [value];
  });
  let body: JsonValue = text;
  const type = res.headers.get('content-type') ?? '';
  if (/^application\/([\w.+-]+\+)?json/i.test(type) && text !== '') {
    try {
      body = JSON.parse(text) as JsonValue;
    } catch {
      body = text;
    }
  }
  return { Headers: headers, ResponseBody: body, StatusCode: res.status, StatusText: res.statusText };
}
