/**
 * fauxqs's own parts (its stores, its SQLite persistence and its Fastify app), loaded from the
 * installed package so that Longhaul can assemble the server itself.
 *
 * Why not `startFauxqs()`: it always listens on 0.0.0.0 (the local stack binds 127.0.0.1 only),
 * its Fastify body limit of 11 MiB refuses a single PutObject above 11 MiB (AWS takes 5 GiB, and
 * the SDK sends one PUT for any buffered body), and it has no hook for "an object was created" (S3
 * event notifications are not among its actions). Assembling the same parts the same way as
 * `startFauxqs` does lets us fix all three without rewriting any S3, SQS or SNS behaviour.
 *
 * The parts are not in fauxqs's public exports, so they are imported by file from its `dist/`
 * folder; the version is pinned exactly in package.json for that reason, and the types below name
 * only what Longhaul touches.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The one event of fauxqs's message spy that Longhaul listens to. */
export interface FauxqsS3Event {
  service: 's3';
  bucket: string;
  key: string;
  status: 'uploaded' | 'downloaded' | 'deleted' | 'copied' | 'renamed';
  timestamp: number;
}

/** The hook fauxqs's stores call on every change (its "message spy" interface). */
export interface FauxqsSpy {
  addMessage(message: { service: string } & Record<string, unknown>): void;
}

export interface FauxqsS3Object {
  key: string;
  contentLength: number;
  etag: string;
}

export interface FauxqsS3Store {
  spy?: FauxqsSpy;
  persistence?: unknown;
  headObject(bucket: string, key: string): FauxqsS3Object;
  /** PutObject, CopyObject and POST Object all store through this; it tells the spy `uploaded` */
  putObject(...args: unknown[]): FauxqsS3Object;
  /** tells the spy `uploaded` */
  completeMultipartUpload(...args: unknown[]): FauxqsS3Object;
}

export interface FauxqsSqsStore {
  persistence?: unknown;
  region?: string;
  /** the host queue URLs are built on (`sqs.<region>.<host>`); empty: the request's own host */
  host: string;
  allQueues(): Iterable<{ persistence?: unknown }>;
}

export interface FauxqsSnsStore {
  persistence?: unknown;
  region?: string;
}

export interface FauxqsPersistence {
  load(sqs: FauxqsSqsStore, sns: FauxqsSnsStore, s3: FauxqsS3Store): void;
  close(): void;
}

/** The slice of a Fastify request the assembly's hooks read. */
export interface FauxqsRequest {
  method: string;
  /** after fauxqs's rewrite of virtual-hosted S3 addresses to path style */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  raw: import('node:http').IncomingMessage;
}

/** The slice of a Fastify reply the assembly's hooks use. */
export interface FauxqsReply {
  code(status: number): FauxqsReply;
  header(name: string, value: string): FauxqsReply;
  removeHeader(name: string): FauxqsReply;
  send(payload?: unknown): FauxqsReply;
  raw: import('node:http').ServerResponse;
}

/** The slice of a Fastify instance the assembly uses. */
export interface FauxqsApp {
  addHook(name: 'preClose', hook: () => void): void;
  /** before the body is read */
  addHook(name: 'onRequest', hook: (req: FauxqsRequest, reply: FauxqsReply) => Promise<unknown>): void;
  /** after the body is parsed, before fauxqs's handler */
  addHook(name: 'preHandler', hook: (req: FauxqsRequest, reply: FauxqsReply) => Promise<unknown>): void;
  setErrorHandler(handler: (err: Error & { code?: string; statusCode?: number }, req: FauxqsRequest, reply: FauxqsReply) => void): void;
  removeContentTypeParser(type: string): void;
  addContentTypeParser(
    type: string,
    opts: { parseAs: 'buffer'; bodyLimit: number },
    parser: (req: unknown, body: Buffer, done: (err: Error | null, body?: unknown) => void) => void,
  ): void;
  listen(opts: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
}

export interface FauxqsParts {
  SqsStore: new () => FauxqsSqsStore;
  SnsStore: new () => FauxqsSnsStore;
  S3Store: new () => FauxqsS3Store;
  PersistenceManager: new (dataDir: string) => FauxqsPersistence;
  buildApp(opts: {
    logger: boolean;
    defaultRegion?: string;
    stores: { sqsStore: FauxqsSqsStore; snsStore: FauxqsSnsStore; s3Store: FauxqsS3Store };
  }): FauxqsApp;
}

/** The folder holding fauxqs's built modules, found the way Node finds the package. */
function distFolder(): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('fauxqs') ?? []) {
    const app = join(dir, 'fauxqs', 'dist', 'app.js');
    if (existsSync(app)) return dirname(app);
  }
  throw new Error('fauxqs is not installed: run npm install');
}

let parts: Promise<FauxqsParts> | undefined;

/** Loads fauxqs's parts once per process. */
export function loadFauxqsParts(): Promise<FauxqsParts> {
  parts ??= (async () => {
    const dist = distFolder();
    const load = (file: string) => import(pathToFileURL(join(dist, file)).href) as Promise<Record<string, unknown>>;
    const [app, sqs, sns, s3, persistence] = await Promise.all([
      load('app.js'), load('sqs/sqsStore.js'), load('sns/snsStore.js'), load('s3/s3Store.js'), load('persistence.js'),
    ]);
    return {
      buildApp: app.buildApp,
      SqsStore: sqs.SqsStore,
      SnsStore: sns.SnsStore,
      S3Store: s3.S3Store,
      PersistenceManager: persistence.PersistenceManager,
    } as FauxqsParts;
  })();
  return parts;
}
