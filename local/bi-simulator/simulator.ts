/**
 * The BI service simulator: the upload and job API of docs/bi-service.md, with signed webhooks to
 * each callback URL, honouring `Idempotency-Key`, and faults to inject (lost webhooks, failed
 * uploads and jobs, slow uploads).
 *
 * Every duration runs on the scheduler it is given: on the engine's VirtualScheduler an hour-long
 * job passes in milliseconds, and each webhook request holds the clock (`beginWork`) until it is
 * answered, so the clock never jumps while a callback is in flight.
 *
 * Caveats: state is in memory (a restarted simulator forgets its uploads and jobs); a webhook
 * that fails to deliver (refused, non-2xx) is not retried — it counts in `webhooksFailed`, and
 * the workflow's polling fallback is what recovers, as it must for a lost one. Like every local
 * server it answers only this machine's own clients (a loopback Host, no foreign Origin).
 */
import { readBody, screenRequest } from '../http/read-body.ts';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Scheduler, TimerHandle } from '../../engine/runtime/clock.ts';
import { WebhookType, type WebhookEvent } from '../callbacks/events.ts';
import { signWebhook } from '../callbacks/signature.ts';
import { BadRequest, BiApiError, NotFound, UploadNotProcessed } from './errors.ts';

/** Seconds each phase takes. */
export interface BiTimings {
  uploadSeconds: number;
  jobSeconds: number;
  /** interval of `job.heartbeat` webhooks while a job runs */
  heartbeatSeconds: number;
}

/** Timings for `npm start` on a real clock: a whole report in well under a minute. */
export const DEMO_TIMINGS: BiTimings = { uploadSeconds: 2, jobSeconds: 10, heartbeatSeconds: 3 };

export const UploadStatus = { Processing: 'PROCESSING', Processed: 'PROCESSED', Failed: 'FAILED' } as const;
export type UploadStatus = (typeof UploadStatus)[keyof typeof UploadStatus];
export const JobStatus = { Running: 'RUNNING', Succeeded: 'SUCCEEDED', Failed: 'FAILED' } as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

export interface Upload {
  uploadId: string;
  bucket: string;
  key: string;
  callbackUrl?: string;
  status: UploadStatus;
  error?: string;
}

export interface Job {
  jobId: string;
  uploadId: string;
  callbackUrl?: string;
  status: JobStatus;
  /** epoch ms on the scheduler's clock */
  startedAt: number;
  endsAt: number;
  error?: string;
  resultUrl?: string;
}

/** Failures to inject; `setFaults` replaces them while the simulator runs. */
export interface BiFaults {
  /** these webhook types are never sent, or each webhook is lost with this probability */
  loseWebhooks?: WebhookType[] | number;
  /** jobs end FAILED: all, or those whose upload the predicate picks */
  failJobs?: boolean | ((upload: Upload) => boolean);
  /** uploads end FAILED: all, or those the predicate picks */
  failUploads?: boolean | ((upload: Upload) => boolean);
  /** extra seconds each upload takes */
  slowUploadSeconds?: number;
  /** an outage: every API request is answered 503 (webhooks of work already under way still go out) */
  unavailable?: boolean;
}

export interface BiSimulatorOptions {
  scheduler: Scheduler;
  /** 0 or absent: a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** signs webhooks (`BI_WEBHOOK_SECRET`) */
  webhookSecret: string;
  /** when set, every API request must carry it as `X-Api-Key` (`BI_API_KEY`), else 401 */
  apiKey?: string;
  /** default DEMO_TIMINGS; fields given replace the defaults one by one */
  timings?: Partial<BiTimings>;
  faults?: BiFaults;
  /** for lost-webhook probability; default Math.random */
  random?: () => number;
  /** for upload, job and event ids; default randomUUID */
  uuid?: () => string;
  /**
   * a folder for the simulator's state (`bi-simulator.json`): uploads, jobs, idempotency keys and
   * when each phase ends. A restarted simulator picks up where it stopped, as the real service
   * would keep running while Longhaul's stack is down. Absent: memory only.
   */
  dataDir?: string;
}

/** What the state file holds: the public views plus when each phase ends. */
interface SavedState {
  uploads: (Upload & { readyAt: number })[];
  jobs: (Job & { fails: boolean })[];
  uploadKeys: [string, string][];
  jobKeys: [string, string][];
}

export interface BiStats {
  uploads: number;
  /** jobs created: a repeated Idempotency-Key does not add one */
  jobs: number;
  webhooksSent: number;
  webhooksLost: number;
  /** sent but refused, unanswered or answered non-2xx */
  webhooksFailed: number;
}

export interface BiSimulator {
  /** `http://127.0.0.1:port`: `BI_API_URL` */
  url: string;
  stats(): BiStats;
  setFaults(faults: BiFaults): void;
  /** the uploads and jobs so far, as GET would answer them */
  uploads(): Upload[];
  jobs(): Job[];
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
/** real milliseconds a webhook request may take before it counts as failed */
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Starts the simulator; resolves once it listens.
 *
 * @example
 * const bi = await startBiSimulator({ scheduler: env.scheduler, webhookSecret: 's3cret', timings: { jobSeconds: 3600, heartbeatSeconds: 60 } });
 * // handlers get BI_API_URL=bi.url; a job's webhooks arrive at the callbackUrl it was given
 * await bi.stop();
 */
export async function startBiSimulator(opts: BiSimulatorOptions): Promise<BiSimulator> {
  const { scheduler, webhookSecret } = opts;
  const timings: BiTimings = { ...DEMO_TIMINGS, ...opts.timings };
  const random = opts.random ?? Math.random;
  const uuid = opts.uuid ?? randomUUID;
  let faults: BiFaults = opts.faults ?? {};
  const uploads = new Map<string, Upload>();
  const jobs = new Map<string, Job>();
  const uploadKeys = new Map<string, string>();
  const jobKeys = new Map<string, string>();
  const timers = new Set<TimerHandle>();
  const counts = { webhooksSent: 0, webhooksLost: 0, webhooksFailed: 0 };
  /** when each processing upload is done, and whether each job fails: decided once, kept across restarts */
  const readyAt = new Map<string, number>();
  const jobFails = new Map<string, boolean>();
  let stopped = false;

  const stateFile = opts.dataDir === undefined ? undefined : join(opts.dataDir, 'bi-simulator.json');
  const save = () => {
    if (!stateFile) return;
    const state: SavedState = {
      uploads: [...uploads.values()].map((u) => ({ ...u, readyAt: readyAt.get(u.uploadId) ?? 0 })),
      jobs: [...jobs.values()].map((j) => ({ ...j, fails: jobFails.get(j.jobId) ?? false })),
      uploadKeys: [...uploadKeys],
      jobKeys: [...jobKeys],
    };
    // written whole, then renamed: a killed process leaves the previous state, never half of one
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${stateFile}.tmp`, stateFile);
  };

  const after = (seconds: number, fn: () => void) => {
    const handle: TimerHandle = scheduler.setTimeout(() => {
      timers.delete(handle);
      if (!stopped) fn();
    }, seconds * 1000);
    timers.add(handle);
  };

  const picks = (fault: boolean | ((u: Upload) => boolean) | undefined, upload: Upload) =>
    typeof fault === 'function' ? fault(upload) : fault === true;

  const lost = (type: WebhookType): boolean => {
    const lose = faults.loseWebhooks;
    if (typeof lose === 'number') return random() < lose;
    return lose?.includes(type) ?? false;
  };

  const webhook = (callbackUrl: string | undefined, fields: Omit<WebhookEvent, 'id' | 'sentAt'>): void => {
    if (!callbackUrl) return;
    if (lost(fields.type)) {
      counts.webhooksLost++;
      return;
    }
    const event: WebhookEvent = { id: `evt-${uuid()}`, ...fields, sentAt: new Date(scheduler.now()).toISOString() };
    const body = JSON.stringify(event);
    // signed for this callback URL: the signature binds the webhook to the task token in it
    const signature = signWebhook(webhookSecret, callbackUrl, body, Math.floor(scheduler.now() / 1000));
    const done = scheduler.beginWork();
    counts.webhooksSent++;
    // a real-time bound: a receiver that never answers must not hold a virtual clock forever
    fetch(callbackUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-bi-signature': signature }, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) })
      .then(async (res) => {
        await res.arrayBuffer();
        if (!res.ok) counts.webhooksFailed++;
      })
      .catch(() => {
        counts.webhooksFailed++;
      })
      .finally(done);
  };

  const progressOf = (job: Job): number => {
    if (job.status === JobStatus.Succeeded) return 100;
    const span = job.endsAt - job.startedAt;
    if (span <= 0) return 0;
    return Math.min(99, Math.floor(((scheduler.now() - job.startedAt) / span) * 100));
  };

  const jobView = (job: Job) => ({
    jobId: job.jobId,
    status: job.status,
    progress: progressOf(job),
    ...(job.error !== undefined && { error: job.error }),
    ...(job.resultUrl !== undefined && { resultUrl: job.resultUrl }),
  });

  const uploadView = (u: Upload) => ({ uploadId: u.uploadId, status: u.status, ...(u.error !== undefined && { error: u.error }) });

  const createUpload = (body: Record<string, unknown>): Upload => {
    const { bucket, key, callbackUrl } = body;
    if (typeof bucket !== 'string' || bucket === '') throw new BadRequest('bucket must be a non-empty string');
    if (typeof key !== 'string' || key === '') throw new BadRequest('key must be a non-empty string');
    if (callbackUrl !== undefined && typeof callbackUrl !== 'string') throw new BadRequest('callbackUrl must be a string');
    const upload: Upload = { uploadId: `upl-${uuid()}`, bucket, key, callbackUrl, status: UploadStatus.Processing };
    uploads.set(upload.uploadId, upload);
    readyAt.set(upload.uploadId, scheduler.now() + (timings.uploadSeconds + (faults.slowUploadSeconds ?? 0)) * 1000);
    armUpload(upload);
    return upload;
  };

  const armUpload = (upload: Upload) => {
    after(Math.max(0, readyAt.get(upload.uploadId)! - scheduler.now()) / 1000, () => {
      if (picks(faults.failUploads, upload)) {
        upload.status = UploadStatus.Failed;
        upload.error = `s3://${upload.bucket}/${upload.key} could not be read as a report`;
        save();
        webhook(upload.callbackUrl, { type: WebhookType.UploadFailed, uploadId: upload.uploadId, status: upload.status, error: upload.error });
      } else {
        upload.status = UploadStatus.Processed;
        save();
        webhook(upload.callbackUrl, { type: WebhookType.UploadProcessed, uploadId: upload.uploadId, status: upload.status });
      }
    });
  };

  const createJob = (body: Record<string, unknown>): Job => {
    const { uploadId, callbackUrl } = body;
    if (typeof uploadId !== 'string') throw new BadRequest('uploadId must be a string');
    if (callbackUrl !== undefined && typeof callbackUrl !== 'string') throw new BadRequest('callbackUrl must be a string');
    const upload = uploads.get(uploadId);
    if (!upload) throw new NotFound(`no upload ${uploadId}`);
    if (upload.status !== UploadStatus.Processed) throw new UploadNotProcessed(uploadId, upload.status);
    const now = scheduler.now();
    const job: Job = { jobId: `job-${uuid()}`, uploadId, callbackUrl, status: JobStatus.Running, startedAt: now, endsAt: now + timings.jobSeconds * 1000 };
    jobs.set(job.jobId, job);
    // decided at the start, so a fault set mid-run does not change a running job's fate
    jobFails.set(job.jobId, picks(faults.failJobs, upload));
    armJob(job);
    return job;
  };

  /** Heartbeats every heartbeatSeconds from the job's start, and its end at `endsAt`, from now on. */
  const armJob = (job: Job) => {
    const upload = uploads.get(job.uploadId)!;
    const fails = jobFails.get(job.jobId) ?? false;
    const period = timings.heartbeatSeconds * 1000;
    const beat = (n: number) => {
      const at = job.startedAt + n * period;
      if (period <= 0 || at >= job.endsAt) return;
      after((at - scheduler.now()) / 1000, () => {
        if (job.status !== JobStatus.Running) return;
        webhook(job.callbackUrl, { type: WebhookType.JobHeartbeat, jobId: job.jobId, status: job.status, progress: progressOf(job) });
        beat(n + 1);
      });
    };
    // the first beat still to come: after a restart, the ones missed while down are not sent late
    beat(period > 0 ? Math.max(1, Math.floor((scheduler.now() - job.startedAt) / period) + 1) : 1);
    after(Math.max(0, job.endsAt - scheduler.now()) / 1000, () => {
      if (fails) {
        job.status = JobStatus.Failed;
        job.error = `ETL job ${job.jobId} failed loading s3://${upload.bucket}/${upload.key}: row 1042 does not match the report schema`;
        save();
        webhook(job.callbackUrl, { type: WebhookType.JobFailed, jobId: job.jobId, status: job.status, progress: progressOf(job), error: job.error });
      } else {
        job.status = JobStatus.Succeeded;
        job.resultUrl = `s3://${upload.bucket}/results/${job.jobId}.json`;
        save();
        webhook(job.callbackUrl, { type: WebhookType.JobSucceeded, jobId: job.jobId, status: job.status, progress: 100, resultUrl: job.resultUrl });
      }
    });
  };

  /** Runs `create` once per Idempotency-Key: a repeated key answers the first id, with 200. */
  const once = (keys: Map<string, string>, key: string | undefined, create: () => string): { status: number; id: string } => {
    const known = key === undefined ? undefined : keys.get(key);
    if (known !== undefined) return { status: 200, id: known };
    const id = create();
    if (key !== undefined) keys.set(key, id);
    save();
    return { status: 202, id };
  };

  if (stateFile) {
    mkdirSync(opts.dataDir!, { recursive: true });
    if (existsSync(stateFile)) {
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as SavedState;
      for (const { readyAt: at, ...u } of state.uploads) {
        uploads.set(u.uploadId, u);
        readyAt.set(u.uploadId, at);
      }
      for (const { fails, ...j } of state.jobs) {
        jobs.set(j.jobId, j);
        jobFails.set(j.jobId, fails);
      }
      for (const [k, v] of state.uploadKeys) uploadKeys.set(k, v);
      for (const [k, v] of state.jobKeys) jobKeys.set(k, v);
      for (const u of uploads.values()) if (u.status === UploadStatus.Processing) armUpload(u);
      for (const j of jobs.values()) if (j.status === JobStatus.Running) armJob(j);
    }
  }

  const route = async (req: IncomingMessage): Promise<{ status: number; body: object }> => {
    const url = new URL(req.url ?? '/', 'http://bi');
    const parts = url.pathname.split('/').filter(Boolean);
    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' && header !== '' ? header : undefined;
    if (req.method === 'POST' && url.pathname === '/uploads') {
      const body = await readJson(req);
      const r = once(uploadKeys, key, () => createUpload(body).uploadId);
      return { status: r.status, body: uploadView(uploads.get(r.id)!) };
    }
    if (req.method === 'POST' && url.pathname === '/jobs') {
      const body = await readJson(req);
      const r = once(jobKeys, key, () => createJob(body).jobId);
      return { status: r.status, body: { jobId: r.id, status: jobs.get(r.id)!.status } };
    }
    if (req.method === 'GET' && parts.length === 2 && parts[0] === 'uploads') {
      const u = uploads.get(decodeURIComponent(parts[1]));
      if (!u) throw new NotFound(`no upload ${parts[1]}`);
      return { status: 200, body: uploadView(u) };
    }
    if (req.method === 'GET' && parts.length === 2 && parts[0] === 'jobs') {
      const j = jobs.get(decodeURIComponent(parts[1]));
      if (!j) throw new NotFound(`no job ${parts[1]}`);
      return { status: 200, body: jobView(j) };
    }
    throw new NotFound(`no route for ${req.method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    const foreign = screenRequest(req, res);
    if (foreign !== undefined) {
      send(res, 403, { error: 'Forbidden', message: `Refused: ${foreign}. The BI simulator answers only this machine's own clients.` });
      return;
    }
    if (opts.apiKey !== undefined && req.headers['x-api-key'] !== opts.apiKey) {
      send(res, 401, { error: 'Unauthorized', message: 'missing or wrong X-Api-Key' });
      return;
    }
    if (faults.unavailable) {
      send(res, 503, { error: 'ServiceUnavailable', message: 'The BI service is down for maintenance (injected outage)' });
      return;
    }
    route(req).then(
      ({ status, body }) => send(res, status, body),
      (e: unknown) => {
        if (e instanceof BiApiError) send(res, e.status, { error: e.code, message: e.message });
        else send(res, 500, { error: 'InternalError', message: e instanceof Error ? e.message : String(e) });
      },
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    stats: () => ({ uploads: uploads.size, jobs: jobs.size, ...counts }),
    setFaults: (f) => {
      faults = f;
    },
    uploads: () => [...uploads.values()].map((u) => ({ ...u })),
    jobs: () => [...jobs.values()].map((j) => ({ ...j })),
    stop: () =>
      new Promise<void>((resolve) => {
        stopped = true;
        for (const t of timers) t.cancel();
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req, MAX_BODY_BYTES, (max) => new BadRequest(`the body is larger than ${max} bytes`));
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequest('the body must be a JSON object');
  return v as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
