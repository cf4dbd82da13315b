/**
 * A Distributed Map survives a restart: the engine is halted right after one of its commits (as a
 * process death leaves the store), a new engine opens the same SQLite file and resumes; the Map
 * Run ends as an uninterrupted one does, its results are written once to S3, and every child is
 * an ended execution in the store.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../engine/engine.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import type { ExecutionOutcome } from '../../../engine/runtime/interpreter.ts';
import { ROLE_ARN, START_MS, eventTypes } from '../../support/engine-env.ts';
import { MemoryS3 } from '../../support/memory-s3.ts';

const ROWS = 6;
const definition = {
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map', Label: 'Rows', MaxConcurrency: 2,
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV' }, Parameters: { Bucket: 'in', Key: 'rows.csv' } },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Pause',
        States: { Pause: { Type: 'Wait', Seconds: 5, Next: 'Done' }, Done: { Type: 'Pass', Parameters: { 'id.$': '$.id' }, End: true } },
      },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'r' } },
      End: true,
    },
  },
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the Map, halting after commit `crashAfter` of the first engine (0: never) and resuming on a second. */
async function runWithCrash(crashAfter: number) {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-dmap-'));
  dirs.push(dir);
  const database = join(dir, 'engine.db');
  const s3 = new MemoryS3();
  s3.put('in', 'rows.csv', `id\n${Array.from({ length: ROWS }, (_, i) => i).join('\n')}\n`);
  let n = 0;
  const uuid = () => `00000000-0000-4000-8000-${(n++).toString(16).padStart(12, '0')}`;
  let count = 0;
  let crashed!: () => void;
  const crash = new Promise<'crashed'>((resolve) => (crashed = () => resolve('crashed')));
  const first: Engine = new Engine({
    database, scheduler: new VirtualScheduler(START_MS), uuid, itemSource: s3, resultSink: s3,
    onCommit: () => {
      if (++count !== crashAfter) return;
      first.halt();
      crashed();
    },
  });
  const sm = first.createStateMachine({ name: 'dmap', definition: JSON.stringify(definition), roleArn: ROLE_ARN });
  const { executionArn } = first.startExecution({ stateMachineArn: sm.arn, name: 'run', input: '{}' });
  let end: ExecutionOutcome | 'crashed' = await Promise.race([first.waitFor(executionArn), crash]);
  let engine = first;
  if (end === 'crashed') {
    first.close();
    engine = new Engine({ database, scheduler: new VirtualScheduler(START_MS + 60_000), uuid, itemSource: s3, resultSink: s3 });
    engine.resumeAll();
    end = await engine.waitFor(executionArn);
  }
  const mapRunArn = engine.listMapRuns(executionArn)[0].arn;
  const children = engine.listMapRunExecutions(mapRunArn, {});
  const result = {
    outcome: end, commits: count, run: engine.describeMapRun(mapRunArn), s3,
    children: children.map((c) => {
      const history = engine.history(c.arn);
      return { status: c.status, events: eventTypes(history), ids: history.map((e) => [e.id, e.previousEventId]) };
    }),
  };
  engine.close();
  return result;
}

describe('a Distributed Map across a restart', () => {
  it.each([1, 2, 3, 4])('ends as an uninterrupted run does when the engine stops after its commit %i', async (crashAfter) => {
    const clean = await runWithCrash(0);

    const resumed = await runWithCrash(crashAfter);

    expect(clean.outcome.status).toBe('SUCCEEDED');
    expect(resumed.commits).toBe(crashAfter);
    expect(resumed.outcome).toEqual({ status: 'SUCCEEDED', output: { MapRunArn: expect.any(String), ResultWriterDetails: { Bucket: 'out', Key: expect.stringMatching(/manifest\.json$/) } } });
    expect(resumed.run).toMatchObject({ status: 'SUCCEEDED', itemCounts: { succeeded: ROWS, total: ROWS, resultsWritten: ROWS } });
    const key = (resumed.outcome as unknown as { output: { ResultWriterDetails: { Key: string } } }).output.ResultWriterDetails.Key;
    const manifest = resumed.s3.json('out', key) as { ResultFiles: { SUCCEEDED: { Key: string }[] } };
    const ids = manifest.ResultFiles.SUCCEEDED.flatMap((f) => (resumed.s3.json('out', f.Key) as { Output: string }[]).map((r) => (JSON.parse(r.Output) as { id: string }).id));
    expect(ids.sort()).toEqual(Array.from({ length: ROWS }, (_, i) => String(i)));
    expect(resumed.children).toHaveLength(ROWS);
    // each child's history is whole, as if nothing had happened: the snapshot kept what it had recorded
    for (const c of resumed.children) {
      expect(c).toEqual({
        status: 'SUCCEEDED',
        events: ['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
        ids: [[1, 0], [2, 1], [3, 2], [4, 3], [5, 4], [6, 5]],
      });
    }
  });
});
