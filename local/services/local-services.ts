/**
 * The local AWS services: S3, SQS and SNS on one endpoint, served by fauxqs on 127.0.0.1.
 *
 * With a data folder, every queue, message, topic, subscription, bucket and object is written
 * through to fauxqs's SQLite file (`<dataDir>/fauxqs.db`, WAL) before the request is answered, so
 * services killed with SIGKILL come back with every object and queued message they acknowledged.
 *
 * Each object created in S3 (PutObject, CopyObject, CompleteMultipartUpload, POST Object) is
 * announced once to `onObjectCreated` listeners at the moment fauxqs stores it: the S3 triggers
 * (local/triggers/) turn these into EventBridge "Object Created" events. fauxqs has no S3 event
 * notifications, so the announcement comes from its S3 store (see CreationAnnouncer).
 *
 * Like every local server, it answers only this machine's own clients (engine/api/request-guard.ts):
 * a non-loopback Host or a foreign Origin is refused with 403 before the body is read, in the shape
 * of the service asked (S3's XML, SQS's JSON, SNS's query XML). S3's browser upload (POST Object,
 * an HTML form) is taken only when the form carries a policy and a signature, as the SDK's
 * presigned POST does: a plain form posted by a web page is refused with AccessDenied.
 */
import { mkdirSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { screenRequest } from '../http/read-body.ts';
import { loadFauxqsParts, type FauxqsApp, type FauxqsReply, type FauxqsRequest, type FauxqsS3Event, type FauxqsS3Store } from './fauxqs-parts.ts';

/** fauxqs's account: every queue and topic ARN it makes carries it. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** What created an S3 object, in the words of EventBridge's `detail.reason`. */
export const ObjectCreatedReason = {
  PutObject: 'PutObject',
  CopyObject: 'CopyObject',
  CompleteMultipartUpload: 'CompleteMultipartUpload',
  /** the browser form upload, named as S3's EventBridge documentation names it */
  PostObject: 'POST Object',
} as const;
export type ObjectCreatedReason = (typeof ObjectCreatedReason)[keyof typeof ObjectCreatedReason];

/** An object that was just created in the local S3. */
export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
  /** without the quotes S3 puts around it in headers */
  etag: string;
  /** hex, increasing with every creation, as S3's sequencer is per key */
  sequencer: string;
  reason: ObjectCreatedReason;
  /** 16 upper-case hex characters, in the style of an S3 request id */
  requestId: string;
}

export interface LocalServicesOptions {
  /** Folder for fauxqs's SQLite file; without it, everything is in memory. */
  dataDir?: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Region used when a request does not name one (default us-east-1). */
  region?: string;
}

export interface LocalServices {
  /** `http://127.0.0.1:PORT`: the endpoint for the S3, SQS and SNS clients. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  /** Calls `listener` for every object created; returns the function that stops it. */
  onObjectCreated(listener: (event: ObjectCreated) => void): () => void;
  /** Closes the server and the SQLite file. */
  stop(): Promise<void>;
}

/** AWS takes single PUTs of up to 5 GiB; fauxqs's 11 MiB default refuses most large uploads. */
const S3_BODY_LIMIT = 5 * 1024 ** 3;

/**
 * Starts S3, SQS and SNS on 127.0.0.1.
 *
 * Caveats (fauxqs's): its account is always `000000000000` (queue URLs and topic ARNs carry it),
 * S3 has no versioning (no `version-id`), and SNS delivers to SQS subscriptions only.
 *
 * @example
 * const services = await startLocalServices({ dataDir: '.longhaul/aws' });
 * const s3 = new S3Client({ endpoint: services.endpoint, forcePathStyle: true, region: 'us-east-1' });
 * // ...
 * await services.stop();
 */
export async function startLocalServices(opts: LocalServicesOptions = {}): Promise<LocalServices> {
  const parts = await loadFauxqsParts();
  const region = opts.region ?? 'us-east-1';
  const sqsStore = new parts.SqsStore();
  // fauxqs names queues `http://sqs.<region>.localhost:<port>/...`, and the SDK sends SQS calls to
  // the queue URL's host, which a handler's process cannot resolve; without a host, queue URLs
  // carry the address the request came to (127.0.0.1:<port>), reachable from every process
  sqsStore.host = '';
  const snsStore = new parts.SnsStore();
  const s3Store = new parts.S3Store();
  let persistence: InstanceType<typeof parts.PersistenceManager> | undefined;
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    persistence = new parts.PersistenceManager(opts.dataDir);
    // as startFauxqs does: load before wiring persistence in, so loading writes nothing back
    persistence.load(sqsStore, snsStore, s3Store);
    sqsStore.persistence = persistence;
    snsStore.persistence = persistence;
    s3Store.persistence = persistence;
    for (const queue of sqsStore.allQueues()) queue.persistence = persistence;
  }

  const listeners = new Set<(event: ObjectCreated) => void>();
  new CreationAnnouncer(s3Store, listeners);

  const app = parts.buildApp({ logger: false, defaultRegion: region, stores: { sqsStore, snsStore, s3Store } });
  app.removeContentTypeParser('*');
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: S3_BODY_LIMIT }, (_req, body, done) => done(null, body));
  guard(app);
  if (persistence) {
    const p = persistence;
    app.addHook('preClose', () => p.close());
  }
  const address = await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const port = Number(new URL(address).port);
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    region,
    onObjectCreated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped ??= app.close();
      return stopped;
    },
  };
}

/** Which service a request on the shared port is for, as fauxqs dispatches it: by content type. */
function serviceOf(req: FauxqsRequest): 'sqs' | 'sns' | 's3' {
  const type = String(req.headers['content-type'] ?? '');
  if (req.method === 'POST' && type.includes('application/x-amz-json-1.0')) return 'sqs';
  if (req.method === 'POST' && type.includes('application/x-www-form-urlencoded')) return 'sns';
  return 's3';
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Answers an error in the shape of the service asked: S3's REST XML, SQS's JSON 1.0 or SNS's query XML. */
function refuse(req: FauxqsRequest, reply: FauxqsReply, status: number, code: { s3: string; sqs: string; sns: string }, message: string): FauxqsReply {
  const requestId = randomUUID();
  const service = serviceOf(req);
  if (service === 'sqs') {
    return reply.code(status).header('content-type', 'application/x-amz-json-1.0').header('x-amzn-query-error', `${code.sqs};Sender`)
      .send(JSON.stringify({ __type: `com.amazonaws.sqs#${code.sqs}`, message }));
  }
  if (service === 'sns') {
    return reply.code(status).header('content-type', 'text/xml')
      .send(`<ErrorResponse><Error><Type>Sender</Type><Code>${code.sns}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
  }
  return reply.code(status).header('content-type', 'application/xml')
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code.s3}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId><HostId>fauxqs</HostId></Error>`);
}

/**
 * The local server's guards around fauxqs's routes: foreign requests refused before their body is
 * read, bodies over a limit refused in the service's shape with the connection closed (Fastify
 * itself would read the rest of a streamed body to its end), unsigned POST Object refused.
 */
function guard(app: FauxqsApp): void {
  app.addHook('onRequest', async (req, reply) => {
    const foreign = screenRequest(req.raw, reply.raw);
    if (foreign === undefined) return;
    return refuse(req, reply, 403, { s3: 'AccessDenied', sqs: 'AccessDenied', sns: 'AuthorizationError' },
      `Refused: ${foreign}. The local AWS services answer only this machine's own clients.`);
  });
  app.setErrorHandler((err, req, reply) => {
    if (err.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.send(err);
    // Fastify asks Node to drop the connection as soon as the answer is out, which a client still
    // sending sees as a reset instead of the answer: screenRequest's lingering close ends it instead
    reply.removeHeader('connection');
    return refuse(req, reply, serviceOf(req) === 's3' ? 400 : 413, { s3: 'EntityTooLarge', sqs: 'RequestEntityTooLarge', sns: 'RequestEntityTooLarge' },
      'Your proposed upload exceeds the maximum allowed size');
  });
  app.addHook('preHandler', async (req, reply) => {
    if (!isPostObject(req) || signedForm(req)) return;
    return refuse(req, reply, 403, { s3: 'AccessDenied', sqs: 'AccessDenied', sns: 'AuthorizationError' },
      'Anonymous POST Object is not allowed: the form carries no policy and signature (X-Amz-Signature), as a presigned POST does');
  });
}

/** A POST of an HTML form to a bucket: S3's browser upload. */
function isPostObject(req: FauxqsRequest): boolean {
  if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').toLowerCase().includes('multipart/form-data')) return false;
  const path = req.url.split('?', 1)[0];
  return path.split('/').filter(Boolean).length === 1;
}

/**
 * Whether a POST Object form carries a policy and a signature (SigV4's `X-Amz-Signature`, or
 * SigV2's `Signature`), the fields a presigned POST has. The signature is not verified, as no
 * local service checks credentials: what this keeps out is a plain form on a web page.
 */
function signedForm(req: FauxqsRequest): boolean {
  const boundary = /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(String(req.headers['content-type']));
  if (!boundary || !Buffer.isBuffer(req.body)) return false;
  const names = new Set<string>();
  const body = req.body;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  for (let at = body.indexOf(delimiter); at >= 0; at = body.indexOf(delimiter, at + delimiter.length)) {
    const headEnd = body.indexOf('\r\n\r\n', at);
    if (headEnd < 0) break;
    const head = body.subarray(at + delimiter.length, headEnd).toString('utf8');
    const field = /name="([^"]*)"/i.exec(head);
    // the file is the form's last field (S3 ignores any after it); its content is not read
    if (!field || /filename=/i.test(head) || field[1].toLowerCase() === 'file') break;
    names.add(field[1].toLowerCase());
  }
  return names.has('policy') && (names.has('x-amz-signature') || names.has('signature'));
}

/**
 * Turns fauxqs's S3 store into ObjectCreated announcements, one per object created.
 *
 * fauxqs tells its spy `uploaded` from inside the store whenever an object is stored, but its
 * request handlers tell it again after the store call: POST Object says `uploaded` a second time,
 * CopyObject says `copied`. Counting `uploaded` messages therefore announced a form upload twice
 * (and started two executions for it). Here an object counts as created only by a store call
 * (putObject, completeMultipartUpload) and its own `uploaded`; a message after the call, in the
 * same synchronous step, only says how the object was created. Announcements wait for the end of
 * that step to know it.
 */
class CreationAnnouncer {
  private readonly store: FauxqsS3Store;
  private readonly listeners: Set<(event: ObjectCreated) => void>;
  private pending: { bucket: string; key: string; reason: ObjectCreatedReason }[] = [];
  /** the store call under way, and how it creates objects */
  private storing: ObjectCreatedReason | undefined;
  private lastSequence = 0n;

  constructor(store: FauxqsS3Store, listeners: Set<(event: ObjectCreated) => void>) {
    this.store = store;
    this.listeners = listeners;
    store.spy = { addMessage: (m) => this.observe(m as unknown as FauxqsS3Event) };
    this.wrap('putObject', ObjectCreatedReason.PutObject);
    this.wrap('completeMultipartUpload', ObjectCreatedReason.CompleteMultipartUpload);
  }

  private wrap(method: 'putObject' | 'completeMultipartUpload', reason: ObjectCreatedReason): void {
    const original = this.store[method].bind(this.store);
    this.store[method] = (...args: unknown[]) => {
      const outer = this.storing;
      this.storing = reason;
      try {
        return original(...args);
      } finally {
        this.storing = outer;
      }
    };
  }

  private observe(m: FauxqsS3Event): void {
    if (m.service !== 's3') return;
    if (this.storing !== undefined) {
      if (m.status !== 'uploaded') return;
      if (this.pending.length === 0) queueMicrotask(() => this.flush());
      this.pending.push({ bucket: m.bucket, key: m.key, reason: this.storing });
      return;
    }
    // a handler's own message after its store call: it names the way, it creates nothing
    const created = this.pending.findLast((e) => e.bucket === m.bucket && e.key === m.key);
    if (!created) return;
    if (m.status === 'copied') created.reason = ObjectCreatedReason.CopyObject;
    else if (m.status === 'uploaded') created.reason = ObjectCreatedReason.PostObject;
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    for (const p of batch) {
      let obj: { contentLength: number; etag: string };
      try {
        obj = this.store.headObject(p.bucket, p.key);
      } catch {
        continue; // deleted again before the step ended
      }
      const event: ObjectCreated = {
        bucket: p.bucket, key: p.key, size: obj.contentLength, etag: obj.etag.replace(/"/g, ''), reason: p.reason,
        sequencer: this.nextSequencer(), requestId: randomBytes(8).toString('hex').toUpperCase(),
      };
      for (const l of this.listeners) {
        try {
          l(event);
        } catch (e) {
          process.emitWarning(`an ObjectCreated listener threw: ${e instanceof Error ? e.stack : String(e)}`);
        }
      }
    }
  }

  private nextSequencer(): string {
    // increasing across restarts too: milliseconds since the epoch, then a counter within one
    let s = BigInt(Date.now()) << 16n;
    if (s <= this.lastSequence) s = this.lastSequence + 1n;
    this.lastSequence = s;
    return s.toString(16).toUpperCase().padStart(18, '0');
  }
}
