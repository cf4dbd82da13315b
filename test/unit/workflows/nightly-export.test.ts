/**
 * nightly-export on the engine with an in-memory bucket: it exports the day before the tick page
 * by page, refuses a day bigger than its page bound instead of exporting part of it, and keys its
 * e-mail by execution and state.
 */
import { describe, expect, it } from '@jest/globals';
import type { JsonObject } from '../../../engine/json.ts';
import { nightlyExport, NightlyExportError, type NightlyExportOptions } from '../../../workflows/nightly-export.ts';
import { fakeTasks, taskError, testEngines } from '../../support/engine-env.ts';
import { definitionOf } from './workflow-env.ts';

const testEngine = testEngines();
const TICK = { schedule: 'nightly-export', scheduledTime: '2026-12-06T02:00:00Z' };

/** A bucket of keys whose ListObjectsV2 pages by MaxKeys, the puts it took, and the notify Lambda. */
function bucket(keys: string[], notifyInProgressOnce = false) {
  let inProgress = notifyInProgressOnce;
  const puts: JsonObject[] = [];
  const lists: JsonObject[] = [];
  const notified: JsonObject[] = [];
  const tasks = fakeTasks({
    'arn:aws:states:::aws-sdk:s3:listObjectsV2': (p) => {
      const params = p as JsonObject;
      lists.push(params);
      const matching = keys.filter((k) => k.startsWith(String(params.Prefix))).sort();
      const from = params.ContinuationToken ? Number(params.ContinuationToken) : 0;
      const page = matching.slice(from, from + Number(params.MaxKeys));
      const truncated = from + page.length < matching.length;
      return {
        KeyCount: page.length,
        IsTruncated: truncated,
        ...(page.length ? { Contents: page.map((Key) => ({ Key, Size: 10 })) } : {}),
        ...(truncated ? { NextContinuationToken: String(from + page.length) } : {}),
      };
    },
    'arn:aws:states:::aws-sdk:s3:putObject': (p) => {
      puts.push(p as JsonObject);
      return { ETag: '"e"' };
    },
    'arn:aws:states:::lambda:invoke': (p) => {
      if (inProgress) {
        inProgress = false;
        throw taskError('IdempotencyAlreadyInProgressError', 'a call with this key is still running');
      }
      notified.push((p as JsonObject).Payload as JsonObject);
      return { StatusCode: 200, Payload: { messageId: 'm-1' } };
    },
  });
  return { tasks, puts, lists, notified };
}

async function runExport(keys: string[], options: NightlyExportOptions = {}, input: JsonObject = TICK) {
  const b = bucket(keys);
  const env = testEngine({ tasks: b.tasks });
  return { ...b, ...(await env.run(definitionOf(nightlyExport(options)), input)) };
}

describe('nightly-export', () => {
  it("exports the results of the tick's day before, page by page, and notifies once", async () => {
    // Prepare: five results of 2026-12-05 in pages of two, one of another day
    const day = ['a', 'b', 'c', 'd', 'e'].map((n) => `results/2026-12-05/${n}.json`);
    // Act
    const { outcome, puts, lists, notified } = await runExport([...day, 'results/2026-12-06/x.json'], { pageSize: 2, maxPages: 3 });
    // Assess
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { day: '2026-12-05', bucket: 'reports', key: 'exports/2026-12-05.json', count: 5 } });
    expect(lists.map((l) => l.ContinuationToken ?? null)).toEqual([null, '2', '4']);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ Bucket: 'reports', Key: 'exports/2026-12-05.json', ContentType: 'application/json' });
    expect(JSON.parse(String(puts[0].Body))).toEqual({ day: '2026-12-05', bucket: 'reports', prefix: 'results/2026-12-05/', count: 5, results: day.map((key) => ({ key, size: 10 })) });
    expect(notified).toEqual([{
      outcome: 'EXPORTED',
      idempotencyKey: expect.stringMatching(/\/NotifyExported$/),
      report: { bucket: 'reports', key: 'exports/2026-12-05.json' },
      summary: '5 result objects of 2026-12-05 under s3://reports/results/2026-12-05/',
    }]);
  });

  it('retries notify while a call with its key is still running, and notifies once', async () => {
    // Prepare
    const b = bucket(['results/2026-12-05/a.json'], true);
    const env = testEngine({ tasks: b.tasks });
    // Act
    const { outcome } = await env.run(definitionOf(nightlyExport()), TICK);
    // Assess
    expect(outcome).toMatchObject({ status: 'SUCCEEDED' });
    expect(b.notified).toHaveLength(1);
  });

  it('exports an empty day as an export of nothing', async () => {
    const { outcome, puts } = await runExport([]);

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { count: 0 } });
    expect(JSON.parse(String(puts[0].Body))).toMatchObject({ count: 0, results: [] });
  });

  it('exports the day a person names, under the prefixes the input gives', async () => {
    const { outcome, puts } = await runExport(['etl/2026-11-30/a.json'], {}, { day: '2026-11-30', resultsPrefix: 'etl/', exportPrefix: 'manual/' });

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { day: '2026-11-30', key: 'manual/2026-11-30.json', count: 1 } });
    expect(puts[0]).toMatchObject({ Key: 'manual/2026-11-30.json' });
  });

  it('ends FAILED with NightlyExport.TooManyResults, exporting nothing, when the day has more pages than its bound', async () => {
    const { outcome, puts, notified } = await runExport(['a', 'b', 'c', 'd', 'e'].map((n) => `results/2026-12-05/${n}`), { pageSize: 2, maxPages: 2 });

    expect(outcome).toMatchObject({ status: 'FAILED', error: NightlyExportError.TooManyResults, cause: expect.stringContaining('more than 4 result objects under s3://reports/results/2026-12-05/') });
    expect(puts).toEqual([]);
    expect(notified).toEqual([]);
  });
});
