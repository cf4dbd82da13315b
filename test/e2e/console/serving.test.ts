/**
 * The API server serves the built console at /console/ beside the AWS JSON protocol, and answers
 * Longhaul's extension actions. No browser needed.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { Engine } from '../../../engine/engine.ts';
import { startApiServer, type ApiServer } from '../../../engine/api/server.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { ROLE } from './console-env.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A console folder of known files, next to a secret the server must never hand out. */
function consoleFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'longhaul-console-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'secret.txt'), 'outside the console');
  const dir = join(root, 'dist');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  return dir;
}

async function serve(opts: { consoleDir?: string | false; outbox?: { list(): object[] } } = {}): Promise<{ server: ApiServer; engine: Engine }> {
  const engine = new Engine({ scheduler: new VirtualScheduler() });
  const server = await startApiServer({ engine, ...opts });
  cleanups.push(() => engine.close(), () => server.close());
  return { server, engine };
}

/** A raw GET: fetch would normalise `..` out of the path before sending it. */
function rawGet(server: ApiServer, path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function extension(server: ApiServer, action: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `Longhaul.${action}` }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('the console at /console/', () => {
  it('serves the index and the hashed assets, with their content types', async () => {
    const { server } = await serve({ consoleDir: consoleFolder() });

    const index = await rawGet(server, '/console/');
    const asset = await rawGet(server, '/console/assets/app-1234.js');

    expect(server.consoleUrl).toBe(`${server.url}/console/`);
    expect(index).toMatchObject({ status: 200, body: '<!doctype html><title>console</title>' });
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('redirects / and /console to /console/', async () => {
    const { server } = await serve({ consoleDir: consoleFolder() });

    for (const path of ['/', '/console']) {
      const res = await rawGet(server, path);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/console/');
    }
  });

  it.each([
    '/console/../secret.txt',
    '/console/%2e%2e/secret.txt',
    '/console/..%2fsecret.txt',
    '/console/assets/../../secret.txt',
    '/console/%2e%2e%2f%2e%2e%2fpackage.json',
    '/console/missing.js',
    '/console/assets',
    '/console/%00',
  ])('answers 404 for %s, which is not a file inside the console', async (path) => {
    const { server } = await serve({ consoleDir: consoleFolder() });

    const res = await rawGet(server, path);

    expect(res.status).toBe(404);
    expect(res.body).not.toContain('outside the console');
  });

  it('keeps the AWS JSON protocol for everything else: POST / is still an action', async () => {
    const { server } = await serve({ consoleDir: consoleFolder() });

    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, body: '{}' });

    expect(await res.json()).toEqual({ stateMachines: [] });
  });

  it('serves no console when told not to, or when none was built', async () => {
    const off = await serve({ consoleDir: false });
    const missing = await serve({ consoleDir: join(tmpdir(), 'longhaul-no-console-here') });

    expect(off.server.consoleUrl).toBeUndefined();
    expect((await rawGet(off.server, '/console/')).status).toBe(400);
    expect(missing.server.consoleUrl).toBeUndefined();
  });
});

describe("Longhaul's extension actions", () => {
  it('ListTaskTokens and ListTimers answer for an execution; SkipWait is refused on the virtual clock', async () => {
    const { server, engine } = await serve({ consoleDir: false });
    const sm = engine.createStateMachine({ name: 'm', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }) });
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn });
    await engine.waitFor(executionArn);

    const tokens = await extension(server, 'ListTaskTokens', { executionArn });
    const timers = await extension(server, 'ListTimers', { executionArn });
    const skip = await extension(server, 'SkipWait', { executionArn });

    expect(tokens).toEqual({ status: 200, json: { taskTokens: [] } });
    expect(timers).toEqual({ status: 200, json: { timers: [], skippable: false } });
    expect(skip.status).toBe(400);
    expect(skip.json.message).toMatch(/virtual clock/);
  });

  it('ListTaskTokens names an unknown execution as DescribeExecution does', async () => {
    const { server } = await serve({ consoleDir: false });

    const res = await extension(server, 'ListTaskTokens', { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:nope' });

    expect(res.status).toBe(400);
    expect(res.json.__type).toMatch(/#ExecutionDoesNotExist$/);
  });

  it('ListOutbox reads the outbox it was given, newest first and by execution', async () => {
    const entries = [
      { id: '1', executionArn: 'arn:a', channel: 'email' },
      { id: '2', executionArn: 'arn:b', channel: 'sns' },
      { id: '3', executionArn: 'arn:a', channel: 'sqs' },
    ];
    const { server } = await serve({ consoleDir: false, outbox: { list: () => entries } });
    const bare = await serve({ consoleDir: false });

    expect((await extension(server, 'ListOutbox', {})).json).toEqual({ available: true, entries: [entries[2], entries[1], entries[0]] });
    expect((await extension(server, 'ListOutbox', { executionArn: 'arn:a' })).json).toEqual({ available: true, entries: [entries[2], entries[0]] });
    expect((await extension(bare.server, 'ListOutbox', {})).json).toEqual({ available: false, entries: [] });
  });

  it('answers UnknownOperationException for an extension it does not have', async () => {
    const { server } = await serve({ consoleDir: false });

    const res = await extension(server, 'LaunchRockets', {});

    expect(res.status).toBe(400);
    expect(res.json.__type).toMatch(/#UnknownOperationException$/);
  });
});
