/**
 * A test environment for the Step Functions API: an in-memory engine on a virtual clock behind
 * the API server on a random port, and the real `SFNClient` pointed at it with nothing but an
 * endpoint, a region and dummy credentials. Tests talk to the engine only through the client
 * (and raw `fetch` for requests no SDK would send).
 *
 * The virtual clock jumps whenever the engine is idle, an HTTP round trip included: a test that
 * must act before a timer fires (a heartbeat) holds the clock with `clockHeld`.
 */
import { afterEach } from '@jest/globals';
import { SFNClient } from '@aws-sdk/client-sfn';
import { startApiServer, type ApiServer } from '../../../engine/api/server.ts';
import { createTestEngine, ROLE_ARN, type FakeTasks, type TestEngine, type TestEngineOptions } from '../../support/engine-env.ts';

export { ROLE_ARN };

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * `random`: the engine's randomness (an alias's pick of a version, jitter); `activityPollMs`: how
 * long GetActivityTask waits; `s3`: an S3 stand-in for Distributed Maps' ItemReader and ResultWriter.
 */
export interface ApiEnvOptions {
  tasks?: FakeTasks;
  random?: () => number;
  activityPollMs?: number;
  s3?: TestEngineOptions['s3'];
}

export interface ApiEnv {
  /** the client, configured with the endpoint only */
  sfn: SFNClient;
  /**
   * The same, with `disableHostPrefix`: StartSyncExecution and TestState go to the `sync-` host
   * prefix, which does not resolve for a local endpoint.
   */
  syncSfn: SFNClient;
  server: ApiServer;
  /** the engine and clock behind the server, for assertions that need the virtual time */
  engine: TestEngine;
  /** Raw POST of a body with an `X-Amz-Target`: for requests the SDK would never send. */
  post(target: string, body: string): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }>;
  /** Runs `act` with the virtual clock standing still. */
  clockHeld<T>(act: () => Promise<T>): Promise<T>;
  /** Resolves after `seconds` of virtual time. */
  sleep(seconds: number): Promise<void>;
  /** Virtual epoch milliseconds. */
  now(): number;
  teardown(): Promise<void>;
}

export async function createApiEnv(opts: ApiEnvOptions = {}): Promise<ApiEnv> {
  const engine = createTestEngine({ tasks: opts.tasks, random: opts.random, activityPollMs: opts.activityPollMs, s3: opts.s3 });
  const server = await startApiServer({ engine: engine.engine });
  const client = (extra: object = {}) => new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDENTIALS, ...extra });
  const sfn = client();
  const syncSfn = client({ disableHostPrefix: true });
  return {
    sfn,
    syncSfn,
    server,
    engine,
    post: async (target, body) => {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
        body,
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
    },
    clockHeld: async (act) => {
      const release = engine.scheduler.beginWork();
      try {
        return await act();
      } finally {
        release();
      }
    },
    sleep: (seconds) => engine.sleep(seconds),
    now: () => engine.now(),
    teardown: async () => {
      sfn.destroy();
      syncSfn.destroy();
      await server.close();
      engine.teardown();
    },
  };
}

/** `createApiEnv`, torn down after each test of the calling file. */
export function apiEnvs(): (opts?: ApiEnvOptions) => Promise<ApiEnv> {
  const open: ApiEnv[] = [];
  afterEach(async () => {
    for (const env of open.splice(0)) await env.teardown();
  });
  return async (opts) => {
    const env = await createApiEnv(opts);
    open.push(env);
    return env;
  };
}

/** Resolves once `ready()` holds, checking every few milliseconds of real time. */
export async function until(ready: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (ready()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The error a client call rejects with, as `{ name, message, status }`. */
export async function rejection(call: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await call;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

export function definition(states: object, startAt = Object.keys(states)[0]): string {
  return JSON.stringify({ StartAt: startAt, States: states });
}

/** The first defined value `read()` resolves to, trying every few milliseconds of real time. */
export async function eventually<T>(read: () => Promise<T | undefined>, what = 'value'): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const v = await read();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
