import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { startBiSimulator, type BiSimulator, type BiSimulatorOptions } from '../../../local/bi-simulator/simulator.ts';
import { verifyWebhook } from '../../../local/callbacks/signature.ts';
import type { WebhookEvent } from '../../../local/callbacks/events.ts';
import { SignatureMismatch } from '../../../local/callbacks/errors.ts';

const SECRET = 'bi-secret';
const START_MS = Date.UTC(2024, 0, 1);

interface Received {
  event: WebhookEvent;
  /** virtual seconds after START_MS at which it arrived */
  at: number;
  /** whether its signature verified against the request target it arrived at and the receiving clock */
  signed: boolean;
}

/** What arrived on the wire, for checks of the signature itself. */
interface Raw {
  target: string;
  body: string;
  signature: string | undefined;
}

/** A webhook sink on 127.0.0.1 that keeps what it receives, in order. */
class Sink {
  readonly received: Received[] = [];
  readonly raw: Raw[] = [];
  url = '';
  private server: Server | undefined;
  private readonly scheduler: VirtualScheduler;
  constructor(scheduler: VirtualScheduler) {
    this.scheduler = scheduler;
  }
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let signed = true;
        try {
          verifyWebhook(SECRET, req.url!, body, req.headers['x-bi-signature'], this.scheduler.now() / 1000);
        } catch {
          signed = false;
        }
        this.received.push({ event: JSON.parse(body) as WebhookEvent, at: (this.scheduler.now() - START_MS) / 1000, signed });
        this.raw.push({ target: req.url!, body, signature: req.headers['x-bi-signature'] as string | undefined });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  types(): string[] {
    return this.received.map((r) => r.event.type);
  }
  of(type: string): Received[] {
    return this.received.filter((r) => r.event.type === type);
  }
  stop(): Promise<void> {
    return new Promise((r) => this.server!.close(() => r()));
  }
}

interface Env {
  scheduler: VirtualScheduler;
  bi: BiSimulator;
  sink: Sink;
  /** an HTTP call to the simulator, holding the virtual clock until it is answered */
  call(method: string, path: string, body?: object, idempotencyKey?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** lets `seconds` of virtual time pass */
  sleep(seconds: number): Promise<void>;
  /** uploads a report and lets it be processed; returns its id */
  processedUpload(key?: string): Promise<string>;
}

const teardown: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const t of teardown.splice(0)) await t();
});

async function simulator(opts: Partial<BiSimulatorOptions> = {}): Promise<Env> {
  const scheduler = new VirtualScheduler(START_MS);
  let ids = 0;
  const sink = new Sink(scheduler);
  await sink.start();
  const bi = await startBiSimulator({
    scheduler,
    webhookSecret: SECRET,
    timings: { uploadSeconds: 30, jobSeconds: 3600, heartbeatSeconds: 60 },
    uuid: () => `id-${++ids}`,
    ...opts,
  });
  teardown.push(() => bi.stop(), () => sink.stop());
  const call: Env['call'] = async (method, path, body, idempotencyKey) => {
    const done = scheduler.beginWork();
    try {
      const res = await fetch(`${bi.url}${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } finally {
      done();
    }
  };
  const sleep = (seconds: number) => scheduler.sleepUntil(scheduler.now() + seconds * 1000).promise;
  const processedUpload = async (key = 'reports/q3.csv') => {
    const { body } = await call('POST', '/uploads', { bucket: 'in', key, callbackUrl: sink.url });
    await sleep(31);
    return body.uploadId as string;
  };
  return { scheduler, bi, sink, call, sleep, processedUpload };
}

describe('the BI simulator API', () => {
  it('processes an upload after uploadSeconds, then answers PROCESSED and sends a signed upload.processed', async () => {
    // Prepare
    const env = await simulator();
    // Act
    const created = await env.call('POST', '/uploads', { bucket: 'in', key: 'reports/q3.csv', callbackUrl: env.sink.url });
    const before = await env.call('GET', `/uploads/${created.body.uploadId}`);
    await env.sleep(31);
    const after = await env.call('GET', `/uploads/${created.body.uploadId}`);
    // Assess
    expect(created).toEqual({ status: 202, body: { uploadId: 'upl-id-1', status: 'PROCESSING' } });
    expect(before.body).toEqual({ uploadId: 'upl-id-1', status: 'PROCESSING' });
    expect(after.body).toEqual({ uploadId: 'upl-id-1', status: 'PROCESSED' });
    expect(env.sink.received).toEqual([
      { at: 30, signed: true, event: { id: 'evt-id-2', type: 'upload.processed', uploadId: 'upl-id-1', status: 'PROCESSED', sentAt: '2024-01-01T00:00:30.000Z' } },
    ]);
  });

  it("signs each webhook for its own callback URL, so it verifies there and not at another token's URL", async () => {
    // Prepare
    const env = await simulator();
    const urlFor = (token: string) => `${env.sink.url}?token=${encodeURIComponent(token)}`;
    // Act
    await env.call('POST', '/uploads', { bucket: 'in', key: 'a.csv', callbackUrl: urlFor('token/A') });
    await env.call('POST', '/uploads', { bucket: 'in', key: 'b.csv', callbackUrl: urlFor('token/B') });
    await env.sleep(31);
    // Assess
    expect(env.sink.received.map((r) => r.signed)).toEqual([true, true]);
    const [a, b] = env.sink.raw;
    expect([a.target, b.target]).toEqual(['/hook?token=token%2FA', '/hook?token=token%2FB']);
    const nowS = env.scheduler.now() / 1000;
    expect(() => verifyWebhook(SECRET, b.target, a.body, a.signature, nowS)).toThrow(SignatureMismatch);
    expect(() => verifyWebhook(SECRET, a.target, b.body, b.signature, nowS)).toThrow(SignatureMismatch);
  });

  it('refuses a job for an upload still processing', async () => {
    const env = await simulator();
    const { body } = await env.call('POST', '/uploads', { bucket: 'in', key: 'k' });
    const res = await env.call('POST', '/jobs', { uploadId: body.uploadId });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('UploadNotProcessed');
    expect(env.bi.stats().jobs).toBe(0);
  });

  it.each([
    ['GET', '/uploads/nope', undefined, 404, 'NotFound'],
    ['GET', '/jobs/nope', undefined, 404, 'NotFound'],
    ['POST', '/jobs', { uploadId: 'nope' }, 404, 'NotFound'],
    ['POST', '/uploads', { bucket: 'in' }, 400, 'BadRequest'],
    ['POST', '/jobs', {}, 400, 'BadRequest'],
    ['DELETE', '/uploads', undefined, 404, 'NotFound'],
  ])('answers %s %s %j with %d %s', async (method, path, body, status, error) => {
    const env = await simulator();
    const res = await env.call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error, message: expect.any(String) });
  });

  it('answers a body that is not JSON with 400 BadRequest', async () => {
    const env = await simulator();
    const res = await fetch(`${env.bi.url}/uploads`, { method: 'POST', body: 'not json' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('BadRequest');
  });
});

describe('Idempotency-Key', () => {
  it('answers the same upload for the same key, with 200 the second time', async () => {
    const env = await simulator();
    const upload = { bucket: 'in', key: 'k', callbackUrl: env.sink.url };
    const first = await env.call('POST', '/uploads', upload, 'exec-1/Upload');
    const second = await env.call('POST', '/uploads', upload, 'exec-1/Upload');
    expect(first.status).toBe(202);
    expect(second).toEqual({ status: 200, body: first.body });
    expect(env.bi.stats().uploads).toBe(1);
  });

  it('starts one job for the same key sent twice, and a second job for another key', async () => {
    // Prepare
    const env = await simulator();
    const uploadId = await env.processedUpload();
    // Act
    const first = await env.call('POST', '/jobs', { uploadId, callbackUrl: env.sink.url }, 'exec-1/StartJob');
    const again = await env.call('POST', '/jobs', { uploadId, callbackUrl: env.sink.url }, 'exec-1/StartJob');
    const other = await env.call('POST', '/jobs', { uploadId, callbackUrl: env.sink.url }, 'exec-2/StartJob');
    await env.sleep(3601);
    // Assess
    expect(first).toEqual({ status: 202, body: { jobId: expect.any(String), status: 'RUNNING' } });
    expect(again).toEqual({ status: 200, body: first.body });
    expect(other.body.jobId).not.toBe(first.body.jobId);
    expect(env.bi.stats().jobs).toBe(2);
    expect(env.sink.of('job.succeeded').map((r) => r.event.jobId).sort()).toEqual([first.body.jobId, other.body.jobId].sort());
  });
});

describe('timings on a virtual clock', () => {
  it('runs an hour-long job to SUCCEEDED with a heartbeat every heartbeatSeconds and growing progress', async () => {
    // Prepare
    const env = await simulator();
    const uploadId = await env.processedUpload();
    const realStart = Date.now();
    // Act
    const { body } = await env.call('POST', '/jobs', { uploadId, callbackUrl: env.sink.url }, 'k');
    await env.sleep(1800);
    const midway = await env.call('GET', `/jobs/${body.jobId}`);
    await env.sleep(1801);
    const done = await env.call('GET', `/jobs/${body.jobId}`);
    // Assess
    expect(midway.body).toEqual({ jobId: body.jobId, status: 'RUNNING', progress: 50 });
    expect(done.body).toEqual({ jobId: body.jobId, status: 'SUCCEEDED', progress: 100, resultUrl: `s3://in/results/${body.jobId}.json` });
    const beats = env.sink.of('job.heartbeat');
    expect(beats.map((b) => b.at - 31)).toEqual(Array.from({ length: 59 }, (_, i) => (i + 1) * 60));
    const progress = beats.map((b) => b.event.progress!);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[0]).toBe(1);
    expect(progress.at(-1)).toBe(98);
    const [succeeded] = env.sink.of('job.succeeded');
    expect(succeeded.at - 31).toBe(3600);
    expect(succeeded.event).toMatchObject({ type: 'job.succeeded', jobId: body.jobId, status: 'SUCCEEDED', progress: 100 });
    expect(env.sink.received.every((r) => r.signed)).toBe(true);
    expect(Date.now() - realStart).toBeLessThan(10_000);
  });

  it('takes slowUploadSeconds longer to process an upload', async () => {
    const env = await simulator({ faults: { slowUploadSeconds: 600 } });
    await env.call('POST', '/uploads', { bucket: 'in', key: 'k', callbackUrl: env.sink.url });
    await env.sleep(700);
    expect(env.sink.of('upload.processed').map((r) => r.at)).toEqual([630]);
  });
});

describe('faults', () => {
  it('does not send a lost webhook, counts it, and still answers the outcome to polling', async () => {
    // Prepare
    const env = await simulator({ faults: { loseWebhooks: ['job.succeeded'] } });
    const uploadId = await env.processedUpload();
    // Act
    const { body } = await env.call('POST', '/jobs', { uploadId, callbackUrl: env.sink.url });
    await env.sleep(3601);
    const polled = await env.call('GET', `/jobs/${body.jobId}`);
    // Assess
    expect(env.sink.types()).not.toContain('job.succeeded');
    expect(env.sink.of('job.heartbeat')).toHaveLength(59);
    expect(polled.body.status).toBe('SUCCEEDED');
    expect(env.bi.stats()).toEqual({ uploads: 1, jobs: 1, webhooksSent: 60, webhooksLost: 1, webhooksFailed: 0 });
  });

  it.each([
    [0, 0.1, 1],
    [1, 0.9, 0],
    [0.5, 0.4, 0],
    [0.5, 0.6, 1],
  ])('loses each webhook with a probability: p=%d, draw %d → %d sent', async (p, draw, sent) => {
    const env = await simulator({ faults: { loseWebhooks: p }, random: () => draw });
    await env.processedUpload();
    expect(env.bi.stats()).toMatchObject({ webhooksSent: sent, webhooksLost: 1 - sent });
  });

  it('fails the jobs of the uploads failJobs picks, with an error in the webhook and in GET', async () => {
    // Prepare
    const env = await simulator({ faults: { failJobs: (u) => u.key.includes('broken') } });
    const good = await env.processedUpload('reports/good.csv');
    const bad = await env.processedUpload('reports/broken.csv');
    // Act
    const goodJob = await env.call('POST', '/jobs', { uploadId: good, callbackUrl: env.sink.url });
    const badJob = await env.call('POST', '/jobs', { uploadId: bad, callbackUrl: env.sink.url });
    await env.sleep(3601);
    const polled = await env.call('GET', `/jobs/${badJob.body.jobId}`);
    // Assess
    const [failed] = env.sink.of('job.failed');
    expect(failed.event).toMatchObject({ jobId: badJob.body.jobId, status: 'FAILED', error: expect.stringContaining('reports/broken.csv') });
    expect(env.sink.of('job.succeeded').map((r) => r.event.jobId)).toEqual([goodJob.body.jobId]);
    expect(polled.body).toMatchObject({ status: 'FAILED', error: failed.event.error });
  });

  it('fails an upload when failUploads is set, and refuses a job for it', async () => {
    const env = await simulator({ faults: { failUploads: true } });
    const uploadId = await env.processedUpload();
    const polled = await env.call('GET', `/uploads/${uploadId}`);
    const job = await env.call('POST', '/jobs', { uploadId });
    expect(env.sink.received.map((r) => r.event)).toEqual([expect.objectContaining({ type: 'upload.failed', status: 'FAILED', error: expect.any(String) })]);
    expect(polled.body.status).toBe('FAILED');
    expect(job.body.error).toBe('UploadNotProcessed');
  });

  it('applies faults set while it runs to what happens next', async () => {
    const env = await simulator();
    await env.processedUpload();
    env.bi.setFaults({ loseWebhooks: ['upload.processed'] });
    await env.processedUpload();
    expect(env.bi.stats()).toMatchObject({ uploads: 2, webhooksSent: 1, webhooksLost: 1 });
  });
});

describe('a simulator with a data folder', () => {
  it('picks up its uploads, jobs and idempotency keys after a restart, and ends a running job on time', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'longhaul-bi-'));
    teardown.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const first = await simulator({ dataDir });
    const uploadId = await first.processedUpload();
    const started = await first.call('POST', '/jobs', { uploadId, callbackUrl: first.sink.url }, 'job-key');
    const jobStart = first.scheduler.now();
    await first.sleep(1000);
    await first.bi.stop();
    // Act: ten minutes down, then a new simulator on the same folder and clock
    await first.sleep(600);
    const second = await startBiSimulator({ scheduler: first.scheduler, webhookSecret: SECRET, timings: { uploadSeconds: 30, jobSeconds: 3600, heartbeatSeconds: 60 }, dataDir });
    teardown.push(() => second.stop());
    const call = async (method: string, path: string, body?: object, key?: string) => {
      const done = first.scheduler.beginWork();
      try {
        const res = await fetch(`${second.url}${path}`, { method, body: body && JSON.stringify(body), headers: key ? { 'Idempotency-Key': key } : {} });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      } finally {
        done();
      }
    };
    const midway = await call('GET', `/jobs/${started.body.jobId}`);
    const again = await call('POST', '/jobs', { uploadId, callbackUrl: first.sink.url }, 'job-key');
    await first.sleep(3600);
    // Assess
    expect(midway.body).toMatchObject({ jobId: started.body.jobId, status: 'RUNNING', progress: 44 });
    expect(again).toEqual({ status: 200, body: { jobId: started.body.jobId, status: 'RUNNING' } });
    expect(second.stats()).toMatchObject({ uploads: 1, jobs: 1 });
    const [succeeded] = first.sink.of('job.succeeded');
    expect((succeeded.at * 1000 + START_MS - jobStart) / 1000).toBe(3600);
    // beats while it was down (1020 s to 1560 s) are not sent late
    const beats = first.sink.of('job.heartbeat').map((b) => (b.at * 1000 + START_MS - jobStart) / 1000);
    expect(beats).toEqual(Array.from({ length: 59 }, (_, i) => (i + 1) * 60).filter((t) => t <= 1000 || t > 1600));
  });
});
