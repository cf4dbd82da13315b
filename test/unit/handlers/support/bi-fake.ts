/**
 * A tiny in-memory BI service on 127.0.0.1 (port 0) for the handler tests: uploads and jobs keyed
 * by Idempotency-Key as docs/bi-service.md describes, every request recorded, and a queue of
 * forced answers to play outages.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey?: string;
  body?: any;
}

export interface BiFake {
  url: string;
  requests: RecordedRequest[];
  jobs: Map<string, { jobId: string; status: string; progress: number; error?: string; uploadId: string }>;
  /** The next answers, before any normal handling: `{ status, body }` or 'hang-up'. */
  forced: Array<{ status: number; body: string } | 'hang-up'>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBiFake(): Promise<BiFake> {
  const requests: RecordedRequest[] = [];
  const uploads = new Map<string, string>();
  const jobsByKey = new Map<string, string>();
  const jobs: BiFake['jobs'] = new Map();
  const forced: BiFake['forced'] = [];
  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req);
    const body = text ? JSON.parse(text) : undefined;
    const path = req.url ?? '/';
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    requests.push({ method: req.method ?? 'GET', path, idempotencyKey, body });
    const send = (status: number, answer: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    };
    const next = forced.shift();
    if (next === 'hang-up') return void req.socket.destroy();
    if (next) return void res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body);
    if (req.method === 'POST' && path === '/uploads') {
      const existing = uploads.get(idempotencyKey!);
      if (existing) return send(200, { uploadId: existing, status: 'PROCESSING' });
      const uploadId = `up-${uploads.size + 1}`;
      uploads.set(idempotencyKey!, uploadId);
      return send(202, { uploadId, status: 'PROCESSING' });
    }
    if (req.method === 'POST' && path === '/jobs') {
      if (![...uploads.values()].includes(body.uploadId)) return send(404, { error: 'NotFound', message: `no upload ${body.uploadId}` });
      const existing = jobsByKey.get(idempotencyKey!);
      if (existing) return send(200, { jobId: existing, status: 'RUNNING' });
      const jobId = `job-${jobs.size + 1}`;
      jobsByKey.set(idempotencyKey!, jobId);
      jobs.set(jobId, { jobId, status: 'RUNNING', progress: 0, uploadId: body.uploadId });
      return send(202, { jobId, status: 'RUNNING' });
    }
    const job = /^\/jobs\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && job) {
      const found = jobs.get(decodeURIComponent(job[1]));
      return found ? send(200, found) : send(404, { error: 'NotFound', message: 'no such job' });
    }
    send(400, { error: 'BadRequest', message: `no route ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    jobs,
    forced,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Captures what the input/output logger writes to console.log while `act` runs. */
export async function captureLogs<T>(act: () => Promise<T>): Promise<{ result: T; logs: string[] }> {
  const logs: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => { logs.push(args.map(String).join(' ')); };
  try {
    return { result: await act(), logs };
  } finally {
    console.log = original;
  }
}

/** A context as the Lambda runtime passes it, with the fields the handlers may read. */
export function lambdaContext(functionName = 'test-function') {
  return {
    functionName,
    functionVersion: '$LATEST',
    awsRequestId: 'req-1',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
  } as any;
}
