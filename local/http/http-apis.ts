/**
 * API Gateway HTTP APIs for the local stack: one server per API on 127.0.0.1, its base URL
 * (`{{httpApi:NAME}}`) standing for the API's `$default` stage, so a route's path is the same
 * locally as on AWS. A request is routed by method and path as API Gateway does (the most specific
 * route wins: literal segments over `{param}` over `{proxy+}`, a method over `ANY`, `$default`
 * last), the route's function is invoked with payload format 2.0, and its result is mapped back:
 * `{ statusCode, headers, body, isBase64Encoded, cookies }`, or any other value as a 200 JSON body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { JsonValue } from '../../engine/json.ts';
import { screenRequest } from './read-body.ts';
import { readBody as readLimitedBody } from '../../engine/api/request-guard.ts';
import { listenOnLoopback } from './listen.ts';

/** An HTTP API (AWS::ApiGatewayV2::Api with its routes and Lambda integrations). */
export interface HttpApiConfig {
  name: string;
  /** `'GET /items/{id}'`, `'ANY /{proxy+}'`, `'$default'` */
  routes: { route: string; function: string }[];
}

export type InvokeSync = (functionName: string, event: JsonValue) => Promise<{ functionError?: string; payload?: string }>;

export interface HttpApi {
  name: string;
  url: string;
  stop(): Promise<void>;
}

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

interface Route {
  key: string;
  method: string;
  segments: string[];
  function: string;
}

/** An HTTP API's route that API Gateway would refuse. */
export class InvalidRoute extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestException';
  }
}

function parseRoute(key: string, fn: string): Route {
  if (key === '$default') return { key, method: '*', segments: [], function: fn };
  const m = /^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/\S*)$/.exec(key);
  if (!m) throw new InvalidRoute(`route key '${key}' is not 'METHOD /path' or '$default'`);
  const segments = m[2].split('/').filter(Boolean);
  segments.forEach((s, i) => {
    if (s.endsWith('+}') && i !== segments.length - 1) throw new InvalidRoute(`route key '${key}': a greedy {name+} segment comes last`);
  });
  return { key, method: m[1], segments, function: fn };
}

/** Path parameters when `route` matches, else undefined. */
function match(route: Route, segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const s = route.segments[i];
    const greedy = /^\{(.+)\+\}$/.exec(s);
    if (greedy) {
      if (i >= segments.length) return undefined;
      params[greedy[1]] = segments.slice(i).join('/');
      return params;
    }
    if (i >= segments.length) return undefined;
    const param = /^\{(.+)\}$/.exec(s);
    if (param) params[param[1]] = segments[i];
    else if (s !== segments[i]) return undefined;
  }
  return route.segments.length === segments.length ? params : undefined;
}

/** Orders matching routes most specific first. */
function specificity(r: Route): number[] {
  return [r.key === '$default' ? 0 : 1, ...r.segments.map((s) => (s.endsWith('+}') ? 0 : s.startsWith('{') ? 1 : 2)), r.method === 'ANY' ? 0 : 1];
}

function moreSpecific(a: Route, b: Route): number {
  const x = specificity(a);
  const y = specificity(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (y[i] ?? -1) - (x[i] ?? -1);
  return 0;
}

/**
 * Starts one HTTP API.
 *
 * @example
 * const api = await startHttpApi({ api: { name: 'shop', routes: [{ route: 'GET /items/{id}', function: 'get-item' }] }, invoke, clock, region, accountId });
 * await fetch(`${api.url}/items/42`);
 */
export async function startHttpApi(opts: { api: HttpApiConfig; invoke: InvokeSync; clock: () => number; region: string; accountId: string; port?: number }): Promise<HttpApi> {
  const routes = opts.api.routes.map((r) => parseRoute(r.route, r.function));
  const apiId = createHash('sha256').update(opts.api.name).digest('hex').slice(0, 10);
  const server = createServer((req, res) => {
    const foreign = screenRequest(req, res);
    if (foreign !== undefined) {
      send(res, 403, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Forbidden' }));
      return;
    }
    serveRequest(req, res).catch((e: unknown) => {
      process.emitWarning(`HTTP API ${opts.api.name}: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' }));
    });
  });

  async function serveRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const found = routes
      .filter((r) => r.method === 'ANY' || r.method === method || r.key === '$default')
      .map((r) => ({ r, params: r.key === '$default' ? {} : match(r, segments) }))
      .filter((x): x is { r: Route; params: Record<string, string> } => x.params !== undefined)
      .sort((a, b) => moreSpecific(a.r, b.r))[0];
    if (!found) {
      send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
      return;
    }
    const body = Buffer.from(await readLimitedBody(req, MAX_BODY_BYTES), 'utf8');
    const event = payloadV2(req, url, found.r, found.params, body, apiId, opts);
    let answer: { functionError?: string; payload?: string };
    try {
      answer = await opts.invoke(found.r.function, event);
    } catch {
      answer = { functionError: 'Unhandled' };
    }
    if (answer.functionError) {
      send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' }));
      return;
    }
    respond(res, answer.payload ? (JSON.parse(answer.payload) as JsonValue) : null);
  }

  const endpoint = await listenOnLoopback(server, opts.port);
  return {
    name: opts.api.name,
    ...endpoint,
  };
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(json|xml))/i;

/** API Gateway's payload format 2.0 event. */
function payloadV2(req: IncomingMessage, url: URL, route: Route, params: Record<string, string>, body: Buffer, apiId: string, opts: { clock: () => number; accountId: string }): JsonValue {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== 'cookie') headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const cookies = req.headers.cookie?.split(/;\s*/).filter(Boolean);
  const now = opts.clock();
  const text = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  return {
    version: '2.0',
    routeKey: route.key,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: opts.accountId,
      apiId,
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? '127').split('.')[0],
      http: { method: req.method ?? 'GET', path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: route.key,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now,
    },
    ...(body.length ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !text,
  };
}

/** Maps a function's result back as API Gateway does for payload format 2.0. */
function respond(res: ServerResponse, result: JsonValue): void {
  if (result !== null && typeof result === 'object' && !Array.isArray(result) && 'statusCode' in result) {
    const r = result as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] };
    const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body), r.isBase64Encoded ? 'base64' : 'utf8');
    send(res, r.statusCode, headers, body);
    return;
  }
  send(res, 200, { 'content-type': 'application/json' }, typeof result === 'string' ? result : JSON.stringify(result));
}

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body), 'apigw-requestid': randomUUID() });
  res.end(body);
}

/** `06/Dec/2026:06:34:25 +0000`, API Gateway's requestContext.time. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
