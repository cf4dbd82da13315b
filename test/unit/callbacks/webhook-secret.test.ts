/** The local webhook secret: random per data folder, kept there owner-only, reused on restarts. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { signWebhook } from '../../../handlers/shared/webhook.ts';
import { localWebhookSecret, WEBHOOK_SECRET_FILE } from '../../../local/callbacks/webhook-secret.ts';
import { startLocalStack, type StackOptions } from '../../../local/stack.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dataFolder = () => {
  const d = mkdtempSync(join(tmpdir(), 'longhaul-secret-'));
  dirs.push(d);
  return d;
};

/** The secret the constant of earlier versions was: anyone who read the source could sign with it. */
const OLD_BUILT_IN_SECRET = 'longhaul-local-webhook-secret';

describe('localWebhookSecret', () => {
  it('answers the same secret at every start on one data folder', () => {
    const dataDir = dataFolder();
    expect(localWebhookSecret(dataDir)).toBe(localWebhookSecret(dataDir));
  });

  it('draws a different secret for each data folder, of 32 random bytes', () => {
    const [one, two] = [localWebhookSecret(dataFolder()), localWebhookSecret(dataFolder())];
    expect(one).not.toBe(two);
    expect(Buffer.from(one, 'base64url')).toHaveLength(32);
  });

  it('keeps the secret in a file only its owner can read or write, and leaves no draft behind', () => {
    const dataDir = dataFolder();
    const secret = localWebhookSecret(dataDir);
    const file = join(dataDir, WEBHOOK_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual([WEBHOOK_SECRET_FILE]);
    expect(localWebhookSecret(dataDir)).toBe(secret);
  });

  it('makes the data folder when it does not exist yet', () => {
    const dataDir = join(dataFolder(), 'not', 'yet');
    expect(localWebhookSecret(dataDir)).toBe(localWebhookSecret(dataDir));
  });

  it('draws a fresh secret per call without a data folder, and writes nothing', () => {
    expect(localWebhookSecret()).not.toBe(localWebhookSecret());
  });

  it('refuses an emptied secret file, saying how to get a new one', () => {
    const dataDir = dataFolder();
    writeFileSync(join(dataDir, WEBHOOK_SECRET_FILE), '\n');
    expect(() => localWebhookSecret(dataDir)).toThrow(`${join(dataDir, WEBHOOK_SECRET_FILE)} is empty; delete it`);
  });
});

describe("the local stack's webhook secret", () => {
  /** Starts a stack, POSTs a webhook signed with `secret` to its receiver, stops it; answers the status. */
  async function statusOfWebhookSignedWith(secret: string, opts: Partial<StackOptions>): Promise<number> {
    const scheduler = new VirtualScheduler(Date.UTC(2024, 0, 1));
    const stack = await startLocalStack({ config: {}, scheduler, onLambdaLog: () => {}, ...opts });
    try {
      const url = `${stack.callbacks.url}/callbacks?token=no-such-token`;
      const body = JSON.stringify({ id: 'evt-1', type: 'job.heartbeat', status: 'RUNNING', sentAt: new Date(scheduler.now()).toISOString() });
      const res = await fetch(url, { method: 'POST', body, headers: { 'X-BI-Signature': signWebhook(secret, url, body, scheduler.now() / 1000) } });
      await res.arrayBuffer();
      return res.status;
    } finally {
      await stack.stop();
    }
  }
  // 410 TaskGone: past the signature check, then the engine knows no task for the token; 401: the signature was refused
  const PAST_THE_SIGNATURE = 410;

  it("is the data folder's secret, the same after a restart, and the built-in constant no longer signs", async () => {
    // Prepare
    const dataDir = dataFolder();
    // Act
    const first = await statusOfWebhookSignedWith(OLD_BUILT_IN_SECRET, { dataDir });
    const secret = localWebhookSecret(dataDir);
    const afterRestart = await statusOfWebhookSignedWith(secret, { dataDir });
    // Assess
    expect(first).toBe(401);
    expect(afterRestart).toBe(PAST_THE_SIGNATURE);
    expect(statSync(join(dataDir, WEBHOOK_SECRET_FILE)).mode & 0o777).toBe(0o600);
  });

  it('is random without a data folder: the built-in constant no longer signs', async () => {
    expect(await statusOfWebhookSignedWith(OLD_BUILT_IN_SECRET, {})).toBe(401);
  });

  it('is the bi.webhookSecret option when one is given, and then no secret file is written', async () => {
    // Prepare
    const dataDir = dataFolder();
    // Act
    const status = await statusOfWebhookSignedWith('given-secret', { dataDir, bi: { webhookSecret: 'given-secret' } });
    // Assess
    expect(status).toBe(PAST_THE_SIGNATURE);
    expect(existsSync(join(dataDir, WEBHOOK_SECRET_FILE))).toBe(false);
  });
});
