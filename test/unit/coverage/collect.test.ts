import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectEngine, readCoverage, recordsOf, mergeRecords } from '../../../engine/coverage/collect.ts';
import { writeReports } from '../../../engine/coverage/output.ts';
import CoverageReporter, { thresholdOf } from '../../../cli/coverage-reporter.ts';
import { createTestEngine, fakeTasks, lambdaArn, taskError, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'longhaul-cov-'));
  dirs.push(d);
  return d;
}

const definition = {
  StartAt: 'Size',
  States: {
    Size: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'Fan' }], Default: 'One' },
    One: { Type: 'Pass', End: true },
    Fan: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } },
      ResultPath: null,
      Next: 'Call',
    },
    Call: {
      Type: 'Task',
      Resource: lambdaArn('flaky'),
      Retry: [{ ErrorEquals: ['Never'] }, { ErrorEquals: ['Flaky'], IntervalSeconds: 5 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Rescued' }],
      End: true,
    },
    Rescued: { Type: 'Pass', End: true },
  },
};

/** Runs the definition twice: to the Default, and through the Distributed Map and a retried task. */
async function twoRuns() {
  let calls = 0;
  const env = testEngine({
    tasks: fakeTasks({
      [lambdaArn('flaky')]: () => {
        if (++calls === 1) throw taskError('Flaky');
        return 'ok';
      },
    }),
  });
  const arn = env.create(definition);
  for (const input of [{ n: 1 }, { n: 2, items: [1, 2, 3] }]) {
    const exec = env.engine.startExecution({ stateMachineArn: arn, name: `run-${input.n}`, input: JSON.stringify(input) });
    await env.finish(exec.executionArn);
  }
  return env;
}

describe('coverage collected from the engine', () => {
  it('covers what two executions of a small definition ran, Distributed Map children included', async () => {
    // Prepare
    const env = await twoRuns();

    // Act
    const [c] = mergeRecords(recordsOf(env.engine));

    // Assess
    const cov = c.coverage;
    expect(cov).toMatchObject({ name: 'machine-1', executions: 5 });
    expect(Object.fromEntries(cov.states.map((s) => [s.name, s.hits]))).toEqual({ Size: 2, One: 1, Fan: 1, Work: 3, Call: 1, Rescued: 0 });
    expect(cov.choices.map((r) => [r.rule, r.hits])).toEqual([[0, 1], ['Default', 1]]);
    expect(cov.retriers.map((r) => r.hits)).toEqual([0, 1]);
    expect(cov.catchers.map((r) => r.hits)).toEqual([0]);
    expect(cov.branches).toEqual([{ state: 'Fan', index: 0, kind: 'DistributedMap', startAt: 'Work', hits: 3 }]);
  });

  it('writes payload-free records that a later reader merges into the reports', async () => {
    // Prepare
    const dir = tempDir();
    const env = await twoRuns();

    // Act
    collectEngine(env.engine, dir);
    const collected = readCoverage(dir);
    const result = writeReports(collected, { dir, root: dir });

    // Assess
    const raw = readFileSync(join(dir, 'raw', readdirSync(join(dir, 'raw'))[0]), 'utf8');
    expect(raw).not.toContain('"input"');
    expect(collected.map((c) => c.coverage.executions)).toEqual([5]);
    expect(readdirSync(dir).sort()).toEqual(['coverage.json', 'definitions', 'index.html', 'lcov.info', 'raw', 'summary.txt']);
    expect(readFileSync(join(dir, 'lcov.info'), 'utf8')).toContain(`SF:${join('definitions', `machine-1-${collected[0].coverage.hash.slice(0, 8)}.asl.json`)}`);
    expect(result.summary).toMatch(/^machine-1 \w{8} {2}5 executions {2}75% \(9\/12\)/);
    expect(result.failures).toEqual([]);
  });

  it('keeps every environment of a worker, each in its own file', async () => {
    // Prepare
    const dir = tempDir();

    // Act: two environments of the same worker
    collectEngine((await twoRuns()).engine, dir);
    collectEngine((await twoRuns()).engine, dir);

    // Assess
    expect(readdirSync(join(dir, 'raw'))).toHaveLength(2);
    expect(readCoverage(dir).map((c) => c.coverage.executions)).toEqual([10]);
  });
});

describe('the test engine', () => {
  it('collects its executions at teardown when asked to', async () => {
    // Prepare
    const dir = tempDir();
    const before = process.env.LONGHAUL_COVERAGE_DIR;
    process.env.LONGHAUL_COVERAGE_DIR = dir;
    try {
      const env = createTestEngine({ coverage: true });
      await env.run({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

      // Act
      env.teardown();

      // Assess
      expect(readCoverage(dir).map((c) => [c.coverage.name, c.coverage.executions])).toEqual([['machine-1', 1]]);
    } finally {
      if (before === undefined) delete process.env.LONGHAUL_COVERAGE_DIR;
      else process.env.LONGHAUL_COVERAGE_DIR = before;
    }
  });
});

describe('the reporter', () => {
  it('reports only the state machines it is told to include', async () => {
    // Prepare
    const dir = tempDir();
    collectEngine((await twoRuns()).engine, dir);

    // Act
    new CoverageReporter({}, { dir, include: ['report-etl'] }).onRunComplete();

    // Assess: machine-1 was collected, and left out
    expect(readdirSync(dir)).toEqual(['raw']);
  });

  it('collects nothing, and does not throw, from an engine already closed', async () => {
    // Prepare
    const dir = tempDir();
    const env = await twoRuns();
    env.engine.close();
    const stderr = process.stderr.write;
    process.stderr.write = () => true;

    // Act
    try {
      collectEngine(env.engine, dir);
    } finally {
      process.stderr.write = stderr;
    }

    // Assess
    expect(readCoverage(dir)).toEqual([]);
  });
});

describe('merging records', () => {
  const record = (def: object) => ({ name: 'wf', hash: 'text-hash', definition: JSON.stringify(def), histories: [[{ id: 1, previousEventId: 0, timestamp: 0, type: 'ExecutionStarted' }]] });
  const at = (url: string, next = 'B') => ({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: { ApiEndpoint: url }, Next: next }, B: { Type: 'Succeed' }, C: { Type: 'Succeed' } } });

  it.each([
    ['adds up texts that differ only in a substituted value', at('http://127.0.0.1:38641'), at('http://127.0.0.1:44549'), [2]],
    ['keeps apart definitions whose transitions differ', at('http://x'), at('http://x', 'C'), [1, 1]],
  ])('%s', (_, a, b, executions) => {
    expect(mergeRecords([record(a), record(b)]).map((c) => c.coverage.executions)).toEqual(executions);
  });
});

describe('the coverage threshold', () => {
  it.each([
    [{}, {}, undefined],
    [{ threshold: 80 }, {}, 80],
    [{ threshold: 80 }, { LONGHAUL_COVERAGE_THRESHOLD: '95' }, 95],
  ])('is the reporter option %j unless the environment %j says otherwise', (options, env, expected) => {
    expect(thresholdOf(options, env)).toBe(expected);
  });

  it('fails the run through the reporter when a definition is below it', async () => {
    // Prepare: 9 of 12 items covered is 75%
    const dir = tempDir();
    collectEngine((await twoRuns()).engine, dir);
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      const strict = new CoverageReporter({}, { dir, threshold: 80 });
      const lenient = new CoverageReporter({}, { dir, threshold: 70 });

      // Act
      strict.onRunComplete();
      lenient.onRunComplete();

      // Assess
      expect(strict.getLastError()?.message).toBe('State machine coverage below 80%: machine-1: 75.0% of 12 items < 80%');
      expect(lenient.getLastError()).toBeUndefined();
    } finally {
      process.stderr.write = stderr;
    }
  });

  it('points lcov at the ASL file of the same states when there is one', async () => {
    // Prepare: asl/machine-1.asl.json under the root, laid out differently from the engine's text
    const dir = tempDir();
    const env = await twoRuns();
    collectEngine(env.engine, dir);
    const asl = join(dir, 'asl');
    rmSync(asl, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(asl);
    writeFileSync(join(asl, 'machine-1.asl.json'), JSON.stringify(definition, null, 4));

    // Act
    writeReports(readCoverage(dir), { dir, root: dir });

    // Assess: Call is declared on line 27 of the 4-space layout
    const lcov = readFileSync(join(dir, 'lcov.info'), 'utf8');
    expect(lcov).toContain(`SF:${join('asl', 'machine-1.asl.json')}`);
    const line = JSON.stringify(definition, null, 4).split('\n').findIndex((l) => l.includes('"Call": {')) + 1;
    expect(lcov).toContain(`FN:${line},Call`);
  });
});
