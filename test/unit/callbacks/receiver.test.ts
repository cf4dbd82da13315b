import { afterEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcceptedWebhooks, ACCEPTED_WEBHOOKS_FILE } from '../../../local/callbacks/accepted-webhooks.ts';
import { startCallbackReceiver, type CallbackReceiver } from '../../../local/callbacks/receiver.ts';
import { signWebhook, verifyWebhook } from '../../../local/callbacks/signature.ts';
import type { TaskSender } from '../../../local/callbacks/task-sender.ts';
import { SignatureMismatch, SignatureMissing, TimestampOutOfTolerance } from '../../../local/callbacks/errors.ts';

const SECRET = 'test-secret';
const NOW_MS = Date.UTC(2024, 0, 1);
const NOW_S = NOW_MS / 1000;
const TOKEN = 'token-0123456789/+=';

type Call = [string, ...string[]];

/** An in-memory TaskSender that records its calls, and throws `fail` when set. */
function recordingSender(fail?: () => Error): TaskSender & { calls: Call[] } {
  const calls: Call[] = [];
  const record = (call: Call) => {
    if (fail) throw fail();
    calls.push(call);
  };
  return {
    calls,
    sendTaskSuccess: (token, output) => record(['success', token, output]),
    sendTaskFailure: (token, error, cause) => record(['failure', token, error, cause]),
    sendTaskHeartbeat: (token) => record(['heartbeat', token]),
  };
}

function namedError(name: string): Error {
  const e = new Error(`${name} happened`);
  e.name = name;
  return e;
}

const open: CallbackReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.stop();
});

async function receiver(sfn: TaskSender, opts: { dataDir?: string; clock?: () => number } = {}): Promise<CallbackReceiver> {
  const r = await startCallbackReceiver({ secret: SECRET, sfn, clock: opts.clock ?? (() => NOW_MS), dataDir: opts.dataDir });
  open.push(r);
  return r;
}

interface PostOptions {
  secret?: string;
  at?: number;
  header?: string | null;
  /** the token whose callback URL the webhook is sent to */
  token?: string;
  /** the token whose callback URL the webhook was signed for; default: the one it is sent to */
  signedFor?: string;
}

async function post(r: CallbackReceiver, event: object, opts: PostOptions = {}) {
  const body = JSON.stringify(event);
  const signedUrl = r.callbackUrl(opts.signedFor ?? opts.token ?? TOKEN);
  const header = opts.header === undefined ? signWebhook(opts.secret ?? SECRET, signedUrl, body, opts.at ?? NOW_S) : opts.header;
  const res = await fetch(r.callbackUrl(opts.token ?? TOKEN), {
    method: 'POST',
    body,
    headers: header === null ? {} : { 'X-BI-Signature': header },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const event = (type: string, extra: object = {}) => ({ id: `evt-${type}`, type, status: 'X', sentAt: new Date(NOW_MS).toISOString(), ...extra });

describe('signWebhook and verifyWebhook', () => {
  const URL_A = 'http://127.0.0.1:9001/callbacks?token=token-A%2F1';
  const TARGET_A = '/callbacks?token=token-A%2F1';

  it.each([
    ['the full callback URL', URL_A],
    ['its path and query', TARGET_A],
  ])('accepts at the request target what it signed for %s, and returns the timestamp', (_, signedFor) => {
    const header = signWebhook(SECRET, signedFor, '{"a":1}', NOW_S);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, TARGET_A, '{"a":1}', header, NOW_S)).toBe(NOW_S);
  });

  it('signs the HMAC-SHA256 of "<t>.<path and query>.<body>", as docs/bi-service.md states', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW_S}.${TARGET_A}.{"a":1}`).digest('hex');
    expect(signWebhook(SECRET, URL_A, '{"a":1}', NOW_S)).toBe(`t=${NOW_S},v1=${expected}`);
  });

  it("signs docs/bi-service.md's example to the signature the contract shows", () => {
    const body = '{"id":"evt-1","type":"job.succeeded","jobId":"job-7","status":"SUCCEEDED","progress":100,"sentAt":"2026-01-01T00:00:00.000Z"}';
    const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/callbacks?token=AQB8AAAA%2Bexample%2Ftoken%3D';
    expect(signWebhook('example-secret', url, body, 1767225600)).toBe('t=1767225600,v1=c2f635e837a655fc31754b82b301e118e1a00989d7fadda389af2677cd2e7fc3');
  });

  it.each([
    ['no header', TARGET_A, undefined, SignatureMissing],
    ['a header without v1', TARGET_A, `t=${NOW_S}`, SignatureMissing],
    ['another secret', TARGET_A, signWebhook('other', URL_A, '{"a":1}', NOW_S), SignatureMismatch],
    ['another body', TARGET_A, signWebhook(SECRET, URL_A, '{"a":2}', NOW_S), SignatureMismatch],
    ['another token', '/callbacks?token=token-B%2F1', signWebhook(SECRET, URL_A, '{"a":1}', NOW_S), SignatureMismatch],
    ['another path', '/other?token=token-A%2F1', signWebhook(SECRET, URL_A, '{"a":1}', NOW_S), SignatureMismatch],
    ['a signature over the body alone', TARGET_A, `t=${NOW_S},v1=${createHmac('sha256', SECRET).update(`${NOW_S}.{"a":1}`).digest('hex')}`, SignatureMismatch],
    ['a timestamp 301 s old', TARGET_A, signWebhook(SECRET, URL_A, '{"a":1}', NOW_S - 301), TimestampOutOfTolerance],
    ['a timestamp 301 s ahead', TARGET_A, signWebhook(SECRET, URL_A, '{"a":1}', NOW_S + 301), TimestampOutOfTolerance],
  ])('rejects %s', (_, target, header, kind) => {
    expect(() => verifyWebhook(SECRET, target, '{"a":1}', header, NOW_S)).toThrow(kind);
  });

  it('accepts a timestamp just inside the tolerance', () => {
    expect(() => verifyWebhook(SECRET, TARGET_A, '{}', signWebhook(SECRET, TARGET_A, '{}', NOW_S - 300), NOW_S)).not.toThrow();
  });
});

describe('the callback receiver', () => {
  it.each([
    ['upload.processed', {}, (body: string) => ['success', TOKEN, body]],
    ['job.succeeded', { resultUrl: 's3://r/x' }, (body: string) => ['success', TOKEN, body]],
    ['upload.failed', { error: 'bad csv' }, () => ['failure', TOKEN, 'BI.UploadFailed', 'bad csv']],
    ['job.failed', { error: 'row 7' }, () => ['failure', TOKEN, 'BI.JobFailed', 'row 7']],
    ['job.heartbeat', { progress: 40 }, () => ['heartbeat', TOKEN]],
  ])('turns a signed %s into the matching SendTask* call', async (type, extra, expected) => {
    // Prepare
    const sfn = recordingSender();
    const r = await receiver(sfn);
    const e = event(type, extra);
    // Act
    const res = await post(r, e);
    // Assess
    expect(res).toEqual({ status: 200, body: { accepted: true } });
    expect(sfn.calls).toEqual([expected(JSON.stringify(e))]);
  });

  it.each([
    ['a missing signature', { header: null }, 401, 'SignatureMissing'],
    ['a forged signature', { secret: 'guessed' }, 401, 'SignatureMismatch'],
    ['a stale timestamp', { at: NOW_S - 3600 }, 401, 'TimestampOutOfTolerance'],
  ])('rejects %s without telling Step Functions', async (_, opts, status, code) => {
    const sfn = recordingSender();
    const r = await receiver(sfn);
    const res = await post(r, event('job.succeeded'), opts);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(code);
    expect(sfn.calls).toEqual([]);
  });

  it('rejects an unknown event type without telling Step Functions', async () => {
    const sfn = recordingSender();
    const r = await receiver(sfn);
    const res = await post(r, event('job.exploded'));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('InvalidEvent');
    expect(sfn.calls).toEqual([]);
  });

  it.each(['job.succeeded', 'job.failed', 'job.heartbeat'])(
    "refuses 401 a %s signed for one token's callback URL and sent to another's, and tells Step Functions nothing",
    async (type) => {
      // Prepare
      const sfn = recordingSender();
      const r = await receiver(sfn);
      // Act
      const res = await post(r, event(type, { error: 'x' }), { signedFor: 'token-of-execution-A', token: 'token-of-execution-B' });
      // Assess
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'SignatureMismatch', message: expect.stringContaining('signed for one callback URL (one task token) is not accepted at another') });
      expect(sfn.calls).toEqual([]);
    },
  );

  it('refuses 401 a webhook accepted for one token and replayed to another, and settles only the first', async () => {
    // Prepare
    const sfn = recordingSender();
    const r = await receiver(sfn);
    const e = event('job.succeeded');
    const body = JSON.stringify(e);
    const signature = signWebhook(SECRET, r.callbackUrl('token-A'), body, NOW_S);
    const send = (token: string) => fetch(r.callbackUrl(token), { method: 'POST', body, headers: { 'X-BI-Signature': signature } });
    // Act
    const original = await send('token-A');
    const replay = await send('token-B');
    // Assess
    expect([original.status, replay.status]).toEqual([200, 401]);
    expect(sfn.calls).toEqual([['success', 'token-A', body]]);
  });

  it('rejects a replayed event id with 409 and tells Step Functions once', async () => {
    const sfn = recordingSender();
    const r = await receiver(sfn);
    const e = event('job.succeeded');
    const first = await post(r, e);
    const replay = await post(r, e);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(409);
    expect(replay.body.error).toBe('EventReplayed');
    expect(sfn.calls).toHaveLength(1);
  });

  it.each(['TaskDoesNotExist', 'TaskTimedOut'])('answers 410 when Step Functions says %s, and keeps serving', async (name) => {
    const sfn = recordingSender(() => namedError(name));
    const r = await receiver(sfn);
    const res = await post(r, event('job.succeeded'));
    expect(res.status).toBe(410);
    expect(res.body.error).toBe('TaskGone');
    expect((await post(r, event('job.heartbeat'))).status).toBe(410);
  });

  it('answers 502 and accepts a retry of the same event when Step Functions is unreachable', async () => {
    let down = true;
    const sfn = recordingSender();
    const flaky: TaskSender = {
      ...sfn,
      sendTaskSuccess: (token, output) => {
        if (down) throw namedError('ECONNREFUSED');
        return sfn.sendTaskSuccess(token, output);
      },
    };
    const r = await receiver(flaky);
    const e = event('upload.processed');
    expect((await post(r, e)).status).toBe(502);
    down = false;
    expect((await post(r, e)).status).toBe(200);
    expect(sfn.calls).toHaveLength(1);
  });

  it('answers 400 to a callback without a token', async () => {
    const sfn = recordingSender();
    const r = await receiver(sfn);
    const body = JSON.stringify(event('job.succeeded'));
    const res = await fetch(`${r.url}/callbacks`, { method: 'POST', body, headers: { 'X-BI-Signature': signWebhook(SECRET, `${r.url}/callbacks`, body, NOW_S) } });
    expect(res.status).toBe(400);
    expect(sfn.calls).toEqual([]);
  });
});

describe('the callback receiver with a data folder', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dataFolder = () => {
    const d = mkdtempSync(join(tmpdir(), 'longhaul-callbacks-'));
    dirs.push(d);
    return d;
  };

  it.each(['job.heartbeat', 'job.succeeded'])('refuses 409 a %s replayed after a restart on the same folder, and tells Step Functions once', async (type) => {
    // Prepare
    const dataDir = dataFolder();
    const sfn = recordingSender();
    const first = await receiver(sfn, { dataDir });
    expect((await post(first, event(type))).status).toBe(200);
    await first.stop();
    // Act
    const restarted = await receiver(sfn, { dataDir });
    const replay = await post(restarted, event(type));
    // Assess
    expect(replay).toEqual({ status: 409, body: { error: 'EventReplayed', message: `event evt-${type} was already accepted` } });
    expect(sfn.calls).toHaveLength(1);
    expect(existsSync(join(dataDir, ACCEPTED_WEBHOOKS_FILE))).toBe(true);
  });

  it('accepts after a restart the retry of an event Step Functions could not be told of', async () => {
    // Prepare
    const dataDir = dataFolder();
    const sfn = recordingSender();
    const down = await receiver(recordingSender(() => namedError('ECONNREFUSED')), { dataDir });
    expect((await post(down, event('upload.processed'))).status).toBe(502);
    await down.stop();
    // Act
    const restarted = await receiver(sfn, { dataDir });
    const retry = await post(restarted, event('upload.processed'));
    // Assess
    expect(retry.status).toBe(200);
    expect(sfn.calls).toHaveLength(1);
  });

  it('keeps an id only while its signature is within the tolerance, so the file does not grow forever', async () => {
    // Prepare: an event a minute for twenty minutes, on a receiver clock that moves with them
    const dataDir = dataFolder();
    let nowMs = NOW_MS;
    const r = await receiver(recordingSender(), { dataDir, clock: () => nowMs });
    // Act
    for (let minute = 0; minute < 20; minute++) {
      nowMs = NOW_MS + minute * 60_000;
      expect((await post(r, { ...event('job.heartbeat'), id: `evt-${minute}` }, { at: nowMs / 1000 })).status).toBe(200);
    }
    await r.stop();
    // Assess: the last 300 s of ids (minutes 14 to 19) are kept, older ones are gone
    const accepted = new AcceptedWebhooks({ dataDir, toleranceSeconds: 300 });
    try {
      expect(accepted.size()).toBe(6);
      expect(accepted.accept('evt-19', nowMs / 1000, nowMs / 1000)).toBe(false);
      expect(accepted.accept('evt-0', NOW_MS / 1000, nowMs / 1000)).toBe(true);
    } finally {
      accepted.close();
    }
  });
});
