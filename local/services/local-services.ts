/**
 * The local AWS services: S3, SQS and SNS on one endpoint, served by fauxqs on 127.0.0.1.
 *
 * With a data folder, every queue, message, topic, subscription, bucket and object is written
 * through to fauxqs's SQLite file (`<dataDir>/fauxqs.db`, WAL) before the request is answered, so
 * services killed with SIGKILL come back with every object and queued message they acknowledged.
 *
 * Each object created in S3 (PutObject, CopyObject, CompleteMultipartUpload, POST Object) is
 * announced to `onObjectCreated` listeners at the moment fauxqs stores it: the S3 triggers
 * (local/triggers/) turn these into EventBridge "Object Created" events. fauxqs has no S3 event
 * notifications, so the announcement comes from the change hook of its S3 store.
 */
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadFauxqsParts, type FauxqsS3Event } from './fauxqs-parts.ts';

/** fauxqs's account: every queue and topic ARN it makes carries it. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** What created an S3 object, in the words of EventBridge's `detail.reason`. */
export const ObjectCreatedReason = {
  PutObject: 'PutObject',
  CopyObject: 'CopyObject',
  CompleteMultipartUpload: 'CompleteMultipartUpload',
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
  const announcer = new CreationAnnouncer(s3Store, listeners);
  s3Store.spy = { addMessage: (m) => announcer.observe(m as unknown as FauxqsS3Event) };

  const app = parts.buildApp({ logger: false, defaultRegion: region, stores: { sqsStore, snsStore, s3Store } });
  app.removeContentTypeParser('*');
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: S3_BODY_LIMIT }, (_req, body, done) => done(null, body));
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

/**
 * Turns fauxqs's store events into ObjectCreated announcements. A CopyObject shows as `uploaded`
 * followed, in the same synchronous step, by `copied`: announcements wait for the end of the
 * current step to know which it was.
 */
class CreationAnnouncer {
  private readonly store: { headObject(bucket: string, key: string): { contentLength: number; etag: string } };
  private readonly listeners: Set<(event: ObjectCreated) => void>;
  private pending: { bucket: string; key: string; copied: boolean }[] = [];
  private lastSequence = 0n;

  constructor(store: CreationAnnouncer['store'], listeners: Set<(event: ObjectCreated) => void>) {
    this.store = store;
    this.listeners = listeners;
  }

  observe(m: FauxqsS3Event): void {
    if (m.service !== 's3') return;
    if (m.status === 'uploaded') {
      if (this.pending.length === 0) queueMicrotask(() => this.flush());
      this.pending.push({ bucket: m.bucket, key: m.key, copied: false });
    } else if (m.status === 'copied') {
      const p = this.pending.findLast((e) => e.bucket === m.bucket && e.key === m.key);
      if (p) p.copied = true;
    }
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
      const etag = obj.etag.replace(/"/g, '');
      const reason = p.copied ? ObjectCreatedReason.CopyObject : /-\d+$/.test(etag) ? ObjectCreatedReason.CompleteMultipartUpload : ObjectCreatedReason.PutObject;
      const event: ObjectCreated = {
        bucket: p.bucket, key: p.key, size: obj.contentLength, etag, reason,
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
