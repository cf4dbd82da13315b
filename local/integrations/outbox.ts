/**
 * The local outbox: every message a workflow sends out (an email through SES v2, an SNS publish,
 * an SQS message) is written here too, so a developer can read what the workflow would have sent.
 * SNS and SQS messages are also really published to the local services; emails go nowhere else.
 *
 * With a folder, each entry is one JSON file under `<dataDir>/outbox/`, written whole before it is
 * renamed into place (a killed process leaves no half entry); without one, entries stay in memory.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../engine/json.ts';

/** Where an outbox entry was sent. */
export const OutboxChannel = {
  Email: 'email',
  Sns: 'sns',
  Sqs: 'sqs',
} as const;
export type OutboxChannel = (typeof OutboxChannel)[keyof typeof OutboxChannel];

export interface OutboxEntry {
  /** the MessageId the service answered with */
  id: string;
  channel: OutboxChannel;
  /** ISO-8601, on the engine's clock */
  time: string;
  /** the Task resource that sent it, or `ses:SendEmail` for a handler's SDK call */
  resource: string;
  /** the execution and state of a Task that sent it; absent for a handler's own SDK call */
  executionArn?: string;
  stateName?: string;
  /** the request as the task sent it (SendEmail, Publish or SendMessage fields) */
  message: JsonObject;
}

/** The outbox folder inside a data folder. */
export function outboxFolder(dataDir: string): string {
  return join(dataDir, 'outbox');
}

/**
 * An outbox: a folder of JSON entries, or memory.
 *
 * @example
 * const outbox = new Outbox({ dataDir: '.longhaul' });
 * outbox.list({ channel: 'email' });
 */
export class Outbox {
  private readonly dir: string | undefined;
  private readonly memory: OutboxEntry[] = [];
  private seq = 0;

  constructor(opts: { dataDir?: string } = {}) {
    this.dir = opts.dataDir === undefined ? undefined : outboxFolder(opts.dataDir);
    if (this.dir) mkdirSync(this.dir, { recursive: true });
  }

  record(entry: OutboxEntry): OutboxEntry {
    if (!this.dir) {
      this.memory.push(entry);
      return entry;
    }
    // file names sort in the order entries were written
    const name = `${String(Date.now()).padStart(15, '0')}-${String(this.seq++).padStart(6, '0')}-${entry.id.replace(/[^A-Za-z0-9-]/g, '_')}.json`;
    const tmp = join(this.dir, `.${name}.tmp`);
    writeFileSync(tmp, JSON.stringify(entry, null, 2));
    renameSync(tmp, join(this.dir, name));
    return entry;
  }

  /** Entries, oldest first. */
  list(filter: { channel?: OutboxChannel } = {}): OutboxEntry[] {
    const all = this.dir ? readEntries(this.dir) : [...this.memory];
    return filter.channel ? all.filter((e) => e.channel === filter.channel) : all;
  }
}

function readEntries(dir: string): OutboxEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as OutboxEntry);
}

/**
 * The outbox of a data folder, oldest first: what the CLI lists.
 *
 * @example
 * for (const e of listOutbox('.longhaul', { channel: 'email' })) console.log(e.time, e.message.Destination);
 */
export function listOutbox(dataDir: string, filter: { channel?: OutboxChannel } = {}): OutboxEntry[] {
  const all = readEntries(outboxFolder(dataDir));
  return filter.channel ? all.filter((e) => e.channel === filter.channel) : all;
}
