/**
 * `longhaul serve`'s start and stop, as a user meets them: one process per data folder, a taken
 * port said in one line, an API that answers only once what it serves exists, and a Ctrl-C or
 * SIGTERM that loses nothing — a task cut short runs again at the next start, as after SIGKILL,
 * instead of failing its execution.
 */
import { describe, it, expect, afterEach } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SFNClient, DescribeExecutionCommand, GetExecutionHistoryCommand, ListStateMachinesCommand, RedriveExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { killAll, serve, spawnServe, type ServeProcess } from '../support/served.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const SLOW_FUNCTION = resolve('test/support/functions/slow-mark.mjs');

/** A data folder and a config with one slow Lambda function and a state machine that calls it. */
function project(): { data: string; config: string; marks: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-lifecycle-'));
  const marks = join(dir, 'marks.txt');
  const definition = join(dir, 'slow.asl.json');
  writeFileSync(definition, JSON.stringify({
    StartAt: 'Slow',
    States: {
      Slow: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${SlowFunctionArn}', 'Payload.$': '$' }, OutputPath: '$.Payload', End: true },
    },
  }));
  const config = join(dir, 'longhaul.config.json');
  writeFileSync(config, JSON.stringify({
    // a bucket and a queue: their creation takes round trips during the start, a window an early API would show
    buckets: ['inbox'],
    queues: ['jobs'],
    functions: { slow: { handler: `${SLOW_FUNCTION}#handler`, timeout: 30, environment: { MARK_FILE: marks, SLEEP_MS: '1500' } } },
    stateMachines: [{ name: 'slow', definitionFile: 'slow.asl.json', substitutions: { SlowFunctionArn: '{{function:slow}}' } }],
  }));
  return { data: join(dir, 'data'), config, marks, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function sfnAt(endpoint: string): SFNClient {
  return new SFNClient({ endpoint, region, credentials, maxAttempts: 1 });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

const running: ServeProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await killAll(...running.splice(0));
  for (const c of cleanups.splice(0)) c();
});

describe('one serve per data folder', () => {
  it('refuses a second serve on the same folder in one line that names the folder and the process holding it', async () => {
    // Prepare
    const p = project();
    cleanups.push(p.cleanup);
    const first = await serve(p.data, ['--config', p.config]);
    running.push(first);
    const portsBefore = readFileSync(join(p.data, 'ports.json'), 'utf8');

    // Act
    const second = spawnServe(p.data, ['--config', p.config]);
    running.push(second);
    const code = await second.exited;

    // Assess: refused before touching anything; the first one serves on
    expect(code).toBe(1);
    const printed = second.output().trim().split('\n');
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(`The data folder ${resolve(p.data)} is in use by process ${first.child.pid}`);
    expect(readFileSync(join(p.data, 'ports.json'), 'utf8')).toBe(portsBefore);
    const sfn = sfnAt(first.api);
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    sfn.destroy();
    expect(stateMachines?.map((m) => m.name)).toEqual(['slow']);
  }, 60_000);

  it('says in one line that the API port is taken, and leaves the folder free for the next start', async () => {
    // Prepare: another program on a port
    const p = project();
    cleanups.push(p.cleanup);
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as AddressInfo).port;
    try {
      // Act
      const refused = spawnServe(p.data, ['--config', p.config, '--port', String(port)]);
      running.push(refused);
      const code = await refused.exited;

      // Assess
      expect(code).toBe(1);
      expect(refused.output().trim()).toBe(`the Step Functions API cannot listen on 127.0.0.1:${port}: another program uses that port (choose another with --port)`);
      const next = await serve(p.data, ['--config', p.config]);
      running.push(next);
      expect(next.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      squatter.close();
    }
  }, 60_000);
});

describe('a data folder that cannot be used', () => {
  it('is said in one line at start, naming the folder and the reason', async () => {
    // Prepare: a "folder" under a file (a read-only folder says EACCES the same way, but tests run as root here)
    const p = project();
    cleanups.push(p.cleanup);
    writeFileSync(p.data, 'not a folder');

    // Act
    const refused = spawnServe(join(p.data, 'state'), ['--config', p.config]);
    running.push(refused);
    const code = await refused.exited;

    // Assess
    expect(code).toBe(1);
    expect(refused.output().trim()).toBe(`The data folder ${join(p.data, 'state')} cannot be used: ENOTDIR (not a directory). Give --data a folder this user can write`);
  }, 30_000);
});

describe('the start order', () => {
  it('opens the API only once the configured functions and state machines exist: the first answered start runs', async () => {
    // Prepare: a port of our choosing, hammered from the moment serve is spawned
    const p = project();
    cleanups.push(p.cleanup);
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const sfn = sfnAt(endpoint);
    const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:slow';

    // Act
    const served = spawnServe(p.data, ['--config', p.config, '--port', String(port)]);
    running.push(served);
    const first = await until('the API to answer', async () => {
      try {
        return await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'first', input: '{"n":1}' }));
      } catch (e) {
        if ((e as { code?: string }).code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String((e as Error).message))) return undefined;
        throw e;
      }
    });
    const done = await until('the execution to end', async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    sfn.destroy();

    // Assess
    expect({ status: done.status, error: done.error, output: done.output }).toEqual({ status: 'SUCCEEDED', error: undefined, output: '{"n":1}' });
  }, 60_000);
});

describe('a graceful stop', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('on %s while a Lambda task runs, records no failure; the task runs again at the next start and the execution succeeds', async (signal) => {
    // Prepare: an execution whose function is running
    const p = project();
    cleanups.push(p.cleanup);
    const first = await serve(p.data, ['--config', p.config]);
    running.push(first);
    const sfn = sfnAt(first.api);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:slow', input: '{"report":"q3"}' }));
    await until('the function to start', async () => (lines(p.marks).length === 1 ? true : undefined));
    sfn.destroy();

    // Act
    first.child.kill(signal);
    const code = await first.exited;
    const second = await serve(p.data, ['--config', p.config]);
    running.push(second);
    const sfn2 = sfnAt(second.api);
    const done = await until('the execution to end', async () => {
      const d = await sfn2.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    const { events = [] } = await sfn2.send(new GetExecutionHistoryCommand({ executionArn }));
    sfn2.destroy();

    // Assess: a clean exit; nothing failed; the cut-short invocation ran again (at-least-once)
    expect(code).toBe(0);
    expect(first.output()).not.toMatch(/runtime was closed/i);
    expect({ status: done.status, output: done.output }).toEqual({ status: 'SUCCEEDED', output: '{"report":"q3"}' });
    expect(events.map((e) => e.type).filter((t) => /Failed|Aborted|TimedOut/.test(t ?? ''))).toEqual([]);
    expect(lines(p.marks)).toHaveLength(2);
  }, 60_000);
});

describe('serve --quarantine', () => {
  it('opens the data folder without resuming the named execution, which can then be stopped and redriven', async () => {
    // Prepare: an execution cut off by SIGKILL in the middle of its task
    const p = project();
    cleanups.push(p.cleanup);
    const first = await serve(p.data, ['--config', p.config]);
    running.push(first);
    const sfn = sfnAt(first.api);
    const executionArn = (await sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:slow', input: '{"report":"q4"}' }))).executionArn!;
    await until('the function to start', async () => (lines(p.marks).length === 1 ? true : undefined));
    sfn.destroy();
    first.child.kill('SIGKILL');
    await first.exited;

    // Act
    const second = await serve(p.data, ['--config', p.config, '--quarantine', executionArn]);
    running.push(second);
    const sfn2 = sfnAt(second.api);
    await new Promise((r) => setTimeout(r, 2000));
    const held = await sfn2.send(new DescribeExecutionCommand({ executionArn }));
    const invokedWhileHeld = lines(p.marks).length;
    await sfn2.send(new StopExecutionCommand({ executionArn, error: 'Operator.Quarantined', cause: 'hung at every start' }));
    const stopped = await sfn2.send(new DescribeExecutionCommand({ executionArn }));
    await sfn2.send(new RedriveExecutionCommand({ executionArn }));
    const redriven = await until('the redriven execution to end', async () => {
      const d = await sfn2.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    sfn2.destroy();

    // Assess: held as it was, nothing ran; stopped as AWS stops; the redrive finishes the work
    expect(second.output()).toContain(`quarantined          ${executionArn}`);
    expect(second.output()).toContain('resumed executions   0');
    expect(held.status).toBe('RUNNING');
    expect(invokedWhileHeld).toBe(1);
    expect({ status: stopped.status, error: stopped.error, cause: stopped.cause }).toEqual({ status: 'ABORTED', error: 'Operator.Quarantined', cause: 'hung at every start' });
    expect({ status: redriven.status, output: redriven.output }).toEqual({ status: 'SUCCEEDED', output: '{"report":"q4"}' });
    expect(lines(p.marks)).toHaveLength(2);
  }, 60_000);
});

function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => r(port));
    });
  });
}
