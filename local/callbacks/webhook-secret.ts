/**
 * The local stack's webhook secret (`BI_WEBHOOK_SECRET`): random per data folder, never a
 * built-in constant that anyone who has read the source could sign with.
 *
 * With a data folder, the first start draws 32 crypto-random bytes and keeps them in
 * `<dataDir>/webhook-secret` (mode 0600, readable by its owner only); later starts reuse it, as
 * they must: BI jobs that outlive a restart sign their webhooks with the secret they were started
 * under. Without a data folder (an in-memory stack) each call draws a fresh one, kept nowhere.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The file in a data folder that holds the secret. */
export const WEBHOOK_SECRET_FILE = 'webhook-secret';

/** Owner read and write only: the secret lets anyone who reads it settle task tokens. */
const OWNER_ONLY = 0o600;

function drawSecret(): string {
  return randomBytes(32).toString('base64url');
}

function readSecretFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const secret = text.trim();
  if (secret === '') throw new Error(`${file} is empty; delete it and Longhaul draws a new webhook secret at the next start`);
  return secret;
}

/**
 * The webhook secret for a data folder: the one kept there, or a new random one written there
 * first; for no data folder, a new random one.
 *
 * The file is written whole under a temporary name and then linked into place, which fails if the
 * file already exists: a process killed mid-write leaves no partial secret, and of two processes
 * starting at once on one folder both end up with the secret that was linked first.
 *
 * @example
 * const secret = localWebhookSecret(opts.dataDir); // same value at every start on '.longhaul'
 */
export function localWebhookSecret(dataDir?: string): string {
  if (dataDir === undefined) return drawSecret();
  const file = join(dataDir, WEBHOOK_SECRET_FILE);
  const kept = readSecretFile(file);
  if (kept !== undefined) return kept;
  mkdirSync(dataDir, { recursive: true });
  const draft = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(draft, 'wx', OWNER_ONLY);
  try {
    writeSync(fd, `${drawSecret()}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(draft, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(draft);
  }
  return readSecretFile(file)!;
}
