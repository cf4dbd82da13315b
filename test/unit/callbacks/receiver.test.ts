import { afterEach, describe, expect, it } from '@jest/globals';
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

async function receiver(sfn: TaskSender): Promise<CallbackReceiver> {
  const r = await startCallbackReceiver({ secret: SECRET, sfn, clock: () => NOW_MS });
  open.push(r);
  return r;
}

async function post(r: CallbackReceiver, event: object, opts: { secret?: string; at?: number; header?: string | null; token?: string } = {}) {
  const body = JSON.stringify(event);
  const header = opts.header === undefined ? signWebhook(opts.secret ?? SECRET, body, opts.at ?? NOW_S) : opts.header;
  const res = await fetch(r.callbackUrl(opts.token ?? TOKEN), {
    method: 'POST',
    body,
    headers: header === null ? {} : { 'X-BI-Signature': header },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const event = (type: string, extra: object = {}) => ({ id: `evt-${type}`, type, status: 'X', sentAt: new Date(NOW_MS).toISOString(), ...extra });

describe('signWebhook and verifyWebhook', () => {
  it('accepts what it signed and returns the timestamp', () => {
    const header = signWebhook(SECRET, '{"a":1}', NOW_S);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, '{"a":1}', header, NOW_S)).toBe(NOW_S);
  });

  it.each([
    ['no header', undefined, SignatureMissing],
    ['a header without v1', `t=${NOW_S}`, SignatureMissing],
    ['another secret', signWebhook('other', '{"a":1}', NOW_S), SignatureMismatch],
    ['another body', signWebhook(SECRET, '{"a":2}', NOW_S), SignatureMismatch],
    ['a timestamp 301 s old', signWebhook(SECRET, '{"a":1}', NOW_S - 301), TimestampOutOfTolerance],
    ['a timestamp 301 s ahead', signWebhook(SECRET, '{"a":1}', NOW_S + 301), TimestampOutOfTolerance],
  ])('rejects %s', (_, header, kind) => {
    expect(() => verifyWebhook(SECRET, '{"a":1}', header, NOW_S)).toThrow(kind);
  });

  it('accepts a timestamp just inside the tolerance', () => {
    expect(() => verifyWebhook(SECRET, '{}', signWebhook(SECRET, '{}', NOW_S - 300), NOW_S)).not.toThrow();
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
    const res = await fetch(`${r.url}/callbacks`, { method: 'POST', body, headers: { 'X-BI-Signature': signWebhook(SECRET, body, NOW_S) } });
    expect(res.status).toBe(400);
    expect(sfn.calls).toEqual([]);
  });
});
