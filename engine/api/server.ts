/**
 * The Step Functions API over HTTP: AWS JSON 1.0 (`POST /`, `X-Amz-Target:
 * AWSStepFunctions.<Action>`, a JSON body), so that `@aws-sdk/client-sfn` and the AWS CLI work
 * against it with only an endpoint set. Credentials and signatures are not checked.
 *
 * Caveat: the SDK and the CLI send StartSyncExecution and TestState to a `sync-` host prefix
 * (`sync-127.0.0.1`), which does not resolve. Against a local endpoint, set
 * `disableHostPrefix: true` on the SDK client, or `AWS_DISABLE_HOST_PREFIX_INJECTION=true` for the
 * CLI and boto3.
 *
 * Every request is screened first (request-guard.ts): a Host that is not loopback or an Origin
 * other than the server's own is refused with 403 AccessDeniedException, so a web page cannot
 * drive the API, even through DNS rebinding; the console, served here, is the server's own origin.
 * An unknown `X-Amz-Target` is refused before its body is read, and a body over the action's
 * limit as soon as its Content-Length or its running count says so; the rest of such a body is
 * read no further than a few MiB and a second before the connection is dropped.
 *
 * Besides AWS's actions it answers Longhaul's own extensions (`X-Amz-Target: Longhaul.<Action>`,
 * see actions/index.ts), and serves the built web console at `/console/` (GET only).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, type Engine } from '../engine.ts';
import { findAction, findExtension } from './actions/index.ts';
import { consoleFolder, serveConsole } from './console-files.ts';
import {
  CONTENT_TYPE, EXTENSION_PREFIX, MAX_BODY_BYTES, MAX_DEFINITION_BODY_BYTES, TARGET_PREFIX, errorBody,
  type Action, type ApiContext, type ApiRequest, type OutboxReader,
} from './protocol.ts';
import { ANTI_FRAMING_HEADERS, BodyTooLarge, readBody, screenRequest } from './request-guard.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../json-limits.ts';

export interface ApiServerOptions {
  engine: Engine;
  /** 0 or absent: a free port */
  port?: number;
  /**
   * default 127.0.0.1: the API has no authentication, keep it off the network. Whatever the
   * address, requests must name a loopback Host (request-guard.ts).
   */
  host?: string;
  /**
   * The built web console served at `/console/`: a folder, or false for none. Absent: console/dist
   * when it has been built (`npm run console:build`), else none.
   */
  consoleDir?: string | false;
  /** the local stack's outbox, for the `Longhaul.ListOutbox` extension */
  outbox?: OutboxReader;
}

export interface ApiServer {
  /** `http://host:port`, the endpoint clients are given */
  url: string;
  port: number;
  /** `url` + `/console/` when the server serves the console */
  consoleUrl: string | undefined;
  close(): Promise<void>;
}

/** The actions whose requests carry a definition, and so may be larger than the others. */
const DEFINITION_ACTIONS: ReadonlySet<string> = new Set([
  `${TARGET_PREFIX}CreateStateMachine`, `${TARGET_PREFIX}UpdateStateMachine`, `${TARGET_PREFIX}ValidateStateMachineDefinition`, `${TARGET_PREFIX}TestState`,
]);

/**
 * Starts the API server; resolves once it listens.
 *
 * @example
 * const server = await startApiServer({ engine });
 * const sfn = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 * await sfn.send(new ListStateMachinesCommand({}));
 * await server.close();
 */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const ctx: ApiContext = { engine: opts.engine, outbox: opts.outbox };
  const consoleDir = consoleFolder(opts.consoleDir);
  let requests = 0;
  // the requests being answered: a long poll among them ends when the server stops
  const inFlight = new Set<AbortController>();
  const server = createServer((req, res) => {
    const requestId = `00000000-0000-4000-8000-${(++requests).toString(16).padStart(12, '0')}`;
    const foreign = screenRequest(req, res);
    if (foreign !== undefined) {
      sendError(res, new ApiError('AccessDeniedException', `Refused: ${foreign}. The local API answers only this machine's own clients.`, 403), requestId);
      return;
    }
    if (consoleDir !== undefined && serveConsole(req, res, consoleDir)) return;
    const controller = new AbortController();
    inFlight.add(controller);
    res.once('close', () => {
      inFlight.delete(controller);
      controller.abort();
    });
    handle(req, { ...ctx, signal: controller.signal }).then(
      (body) => send(res, 200, body, requestId),
      (err: unknown) => sendError(res, err, requestId),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    consoleUrl: consoleDir === undefined ? undefined : `${url}/console/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of inFlight) c.abort();
        server.closeAllConnections();
      }),
  };
}

/** Finds the action, then reads, parses and dispatches one request. */
async function handle(req: IncomingMessage, ctx: ApiContext): Promise<object> {
  const target = req.headers['x-amz-target'];
  const action = req.method === 'POST' && typeof target === 'string' ? targetAction(target) : undefined;
  // refused before the body is read: whatever it holds, no action would take it
  if (!action) throw new ApiError('UnknownOperationException', `Unknown operation: '${typeof target === 'string' ? target : ''}'`);
  const limit = DEFINITION_ACTIONS.has(target as string) ? MAX_DEFINITION_BODY_BYTES : MAX_BODY_BYTES;
  let text: string;
  try {
    text = await readBody(req, limit);
  } catch (e) {
    if (e instanceof BodyTooLarge) throw new ApiError('ValidationException', `Request body is larger than ${limit} bytes`, 413);
    throw e;
  }
  return action(parseBody(text), ctx);
}

function targetAction(target: string): Action | undefined {
  if (target.startsWith(TARGET_PREFIX)) return findAction(target.slice(TARGET_PREFIX.length));
  if (target.startsWith(EXTENSION_PREFIX)) return findExtension(target.slice(EXTENSION_PREFIX.length));
  return undefined;
}

/** The body as a JSON object; an empty body is `{}`. */
function parseBody(text: string): ApiRequest {
  if (text.trim() === '') return {};
  // no request of this API nests deep: a body that does is refused before anything reads it
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) throw new ApiError('SerializationException', `The request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new ApiError('SerializationException', `Malformed JSON request body: ${(e as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError('SerializationException', 'Start of structure or map found where not expected: the request body must be a JSON object');
  }
  return body as ApiRequest;
}

function send(res: ServerResponse, status: number, body: object, requestId: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...ANTI_FRAMING_HEADERS,
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown, requestId: string): void {
  if (err instanceof ApiError) {
    send(res, err.status, errorBody(err.type, err.message), requestId, { 'x-amzn-errortype': err.type });
    return;
  }
  // an engine defect: say so, without taking the server down
  const message = err instanceof Error ? err.message : String(err);
  process.emitWarning(`Step Functions API: internal failure: ${err instanceof Error ? err.stack : message}`);
  send(res, 500, errorBody('InternalFailure', message), requestId, { 'x-amzn-errortype': 'InternalFailure' });
}
