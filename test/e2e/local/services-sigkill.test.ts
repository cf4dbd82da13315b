/**
 * The local services killed with SIGKILL: what they had answered is still there when they start
 * again on the same data folder.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startLocalServices } from '../../../local/services/local-services.ts';
import { LocalClients } from '../../../local/services/clients.ts';

const WORKER = fileURLToPath(new URL('./fixtures/services-worker.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'longhaul-sigkill-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts the worker and resolves with its endpoint. */
function serve(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', WORKER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve({ child, endpoint: out.trim() });
    });
    child.on('exit', (code) => reject(new Error(`the services worker exited with ${code}`)));
  });
}

describe('local services killed with SIGKILL', () => {
  it('come back with every object and queued message they had acknowledged', async () => {
    // Prepare
    const { child, endpoint } = await serve();
    const before = new LocalClients(endpoint);
    await before.s3('us-east-1').send(new CreateBucketCommand({ Bucket: 'survivor' }));
    const body = Buffer.alloc(3 * 1024 * 1024, 9);
    await before.s3('us-east-1').send(new PutObjectCommand({ Bucket: 'survivor', Key: 'big.bin', Body: body }));
    const { QueueUrl } = await before.sqs('us-east-1').send(new CreateQueueCommand({ QueueName: 'survivor' }));
    await before.sqs('us-east-1').send(new SendMessageCommand({ QueueUrl, MessageBody: 'acknowledged' }));
    before.destroy();

    // Act
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const again = await startLocalServices({ dataDir });
    const after = new LocalClients(again.endpoint);

    // Assess
    try {
      const obj = await after.s3('us-east-1').send(new GetObjectCommand({ Bucket: 'survivor', Key: 'big.bin' }));
      expect(Buffer.from(await obj.Body!.transformToByteArray()).equals(body)).toBe(true);
      const msgs = await after.sqs('us-east-1').send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(msgs.Messages?.map((m) => m.Body)).toEqual(['acknowledged']);
    } finally {
      after.destroy();
      await again.stop();
    }
  });
});
