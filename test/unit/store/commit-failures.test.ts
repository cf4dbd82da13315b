/**
 * When the store cannot be written. A full disk is simulated with SQLite's `max_page_count` (an
 * insert past it fails with SQLITE_FULL, as on a full disk); a store that cannot be written at
 * start with a read-only connection or a folder that does not exist (chmod does not stop root).
 *
 * What must hold: the error names the file and SQLite's real reason; the engine keeps what it
 * could not write, lets nothing further be seen (tasks wait, changes answer 500), retries, and
 * goes on when space returns, losing nothing it acknowledged.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, Engine } from '../../../engine/engine.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { Store, StoreError, encodeChunks, type ExecutionRow } from '../../../engine/store/sqlite.ts';
import { eventTypes, fakeTasks, lambdaArn, ROLE_ARN, type FakeTask, type FakeTasks } from '../../support/engine-env.ts';

const WORK = lambdaArn('work');
const CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
/** A payload that needs pages of its own wherever it is written. */
const PAD = 'x'.repeat(100_000);

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
  for (const d of dirs.splice(0)) {
    chmodSync(d, 0o700);
    rmSync(d, { recursive: true, force: true });
  }
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'longhaul-store-'));
  dirs.push(d);
  return d;
}

/** The disk is full: the database may not grow past the pages it has. */
function fill(store: Store): void {
  const { page_count } = store.db.prepare('PRAGMA page_count').get() as { page_count: number };
  store.db.exec(`PRAGMA max_page_count = ${page_count}`);
}

function free(store: Store): void {
  store.db.exec('PRAGMA max_page_count = 1073741823');
}

/** Resolves once `check` holds, polling the real clock (the engine retries on it). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

function engineWith(handlers: Record<string, FakeTask>): { engine: Engine; tasks: FakeTasks } {
  const clock = new VirtualScheduler();
  const tasks = fakeTasks(handlers);
  tasks.attach(clock);
  const engine = new Engine({ scheduler: clock, integrations: [tasks], commitRetryMs: 5 });
  engines.push(engine);
  return { engine, tasks };
}

function row(arn: string): ExecutionRow {
  return {
    arn, stateMachineArn: 'sm', name: 'n', status: 'RUNNING', definitionHash: 'h', input: PAD, output: null, error: null, cause: null,
    startMs: 0, stopMs: null, redriveCount: 0, redriveMs: null, snapshot: '{}', meta: '{}',
  };
}

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('a commit the store refuses', () => {
  it("fails with SQLite's own reason (SQLITE_FULL) and the file, not with a failed ROLLBACK", () => {
    // Prepare
    const store = new Store(':memory:');
    store.commit({ executions: [row('a')], events: [], tokens: [], definitions: [] });
    fill(store);
    const event = { id: 1, previousEventId: 0, timestamp: 0, type: 'PassStateEntered', stateEnteredEventDetails: { name: 'P', input: JSON.stringify(PAD), inputDetails: { truncated: false } } };

    // Act
    const err = thrown(() => store.commit({ executions: [row('b')], events: [{ executionArn: 'b', chunks: encodeChunks([event]) }], tokens: [], definitions: [] }));

    // Assess
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'SQLITE_FULL', file: ':memory:' });
    expect((err as Error).message).toMatch(/^Cannot write to the data store ':memory:': database or disk is full \(SQLITE_FULL/);
    expect(store.getExecution('b')).toBeUndefined();
    free(store);
    store.commit({ executions: [row('b')], events: [], tokens: [], definitions: [] });
    expect(store.getExecution('b')?.status).toBe('RUNNING');
    store.close();
  });

  it('answers StartExecution with a 500 InternalFailure that gives the reason, and starts nothing until space returns', async () => {
    // Prepare
    const { engine } = engineWith({});
    const sm = engine.createStateMachine({ name: 'm', roleArn: ROLE_ARN, definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) });
    fill(engine.store);

    // Act
    const err = thrown(() => engine.startExecution({ stateMachineArn: sm.arn, name: 'first', input: JSON.stringify({ pad: PAD }) }));
    const listed = engine.listExecutions({});
    free(engine.store);
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, name: 'first', input: JSON.stringify({ pad: PAD }) });

    // Assess
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ type: 'InternalFailure', status: 500 });
    expect((err as Error).message).toMatch(/database or disk is full \(SQLITE_FULL/);
    expect(listed).toEqual([]);
    await expect(engine.waitFor(executionArn)).resolves.toEqual({ status: 'SUCCEEDED', output: { pad: PAD } });
  });

  it('pauses an execution before its next task, and lets it go on with nothing lost once space returns', async () => {
    // Prepare: the disk fills while the first task runs, so neither its result nor the second task's scheduling can be written
    let full: (() => void) | undefined;
    const { engine, tasks } = engineWith({
      [WORK]: (p) => {
        full?.();
        full = undefined;
        return p;
      },
    });
    full = () => fill(engine.store);
    const sm = engine.createStateMachine({
      name: 'm', roleArn: ROLE_ARN,
      definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: WORK, Next: 'B' }, B: { Type: 'Task', Resource: WORK, End: true } } }),
    });
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, name: 'run', input: JSON.stringify({ pad: PAD }) });

    // Act
    await until(() => engine.storeFault !== undefined);
    await new Promise((r) => setTimeout(r, 30));
    const invokedWhileFull = tasks.received.length;
    const seenWhileFull = eventTypes(engine.history(executionArn));
    free(engine.store);
    const outcome = await engine.waitFor(executionArn);

    // Assess
    expect(engine.storeFault).toBeUndefined();
    expect(invokedWhileFull).toBe(1);
    expect(seenWhileFull).not.toContain('LambdaFunctionSucceeded');
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { pad: PAD } });
    expect(tasks.received.map((r) => r.resource)).toEqual([WORK, WORK]);
    const history = engine.history(executionArn);
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited',
      'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(history.every((e, i) => e.id === i + 1)).toBe(true);
  });

  it('answers SendTaskSuccess with a 500 and does not apply it; sent again once space returns, it is', async () => {
    // Prepare
    const { engine, tasks } = engineWith({ [CALLBACK]: () => ({}) });
    const sm = engine.createStateMachine({
      name: 'm', roleArn: ROLE_ARN,
      definition: JSON.stringify({ StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: CALLBACK, Parameters: { 'token.$': '$$.Task.Token' }, End: true } } }),
    });
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, name: 'run', input: '{}' });
    await until(() => tasks.tokens.length === 1);
    fill(engine.store);

    // Act
    const err = thrown(() => engine.sendTaskSuccess(tasks.tokens[0], JSON.stringify({ pad: PAD })));
    const statusWhileFull = engine.describeExecution(executionArn).status;
    free(engine.store);
    engine.sendTaskSuccess(tasks.tokens[0], JSON.stringify({ pad: PAD }));

    // Assess
    expect(err).toMatchObject({ type: 'InternalFailure', status: 500 });
    expect(statusWhileFull).toBe('RUNNING');
    await expect(engine.waitFor(executionArn)).resolves.toEqual({ status: 'SUCCEEDED', output: { pad: PAD } });
  });
});

describe('a store that cannot be opened or written at start', () => {
  const cases: { store: string; open: () => string; options?: { readOnly: boolean }; code: string }[] = [
    { store: 'in a folder that does not exist', open: () => join(tempDir(), 'missing', 'engine.db'), code: 'SQLITE_CANTOPEN' },
    {
      store: 'opened read-only',
      open: () => {
        const file = join(tempDir(), 'engine.db');
        new Store(file).close();
        return file;
      },
      options: { readOnly: true },
      code: 'SQLITE_READONLY',
    },
  ];

  it.each(cases)('$store throws one line that names the file and the reason ($code)', ({ open, options, code }) => {
    // Prepare
    const file = open();

    // Act
    const err = thrown(() => new Store(file, options));

    // Assess
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code, file });
    expect((err as Error).message).toContain(`Cannot open the data store '${file}': `);
    expect((err as Error).message).not.toContain('\n');
  });

  it('makes the engine throw the same error', () => {
    // Prepare
    const file = join(tempDir(), 'missing', 'engine.db');

    // Act
    const err = thrown(() => new Engine({ database: file }));

    // Assess
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'SQLITE_CANTOPEN', file });
  });

  // chmod does not stop root, which the test machines run as
  const asUser = process.getuid?.() === 0 ? it.skip : it;
  asUser('in a read-only folder throws SQLITE_CANTOPEN or SQLITE_READONLY (skipped when run as root)', () => {
    // Prepare
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    chmodSync(join(dir, 'data'), 0o500);

    // Act
    const err = thrown(() => new Store(join(dir, 'data', 'engine.db')));

    // Assess
    expect(err).toBeInstanceOf(StoreError);
    expect(['SQLITE_CANTOPEN', 'SQLITE_READONLY']).toContain((err as StoreError).code);
  });
});
