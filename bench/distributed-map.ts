/**
 * Child process for the Distributed Map figure: `node bench/distributed-map.ts <db> <rows>`.
 * Runs a Distributed Map over a `<rows>`-row CSV (MaxConcurrency 1,000, results written out by
 * ResultWriter) on a virtual clock against a SQLite file and an in-memory S3, and prints one JSON
 * line: items/s, the peak RSS, the Map Run's counts.
 */
import { Engine, type ItemSource, type ResultSink } from '../engine/engine.ts';
import { VirtualScheduler } from '../engine/runtime/clock.ts';
import { ROLE_ARN, csvRows, distributedMapDefinition } from './workloads.ts';

const MiB = 1024 * 1024;
const [database, rowsText] = process.argv.slice(2);
const rows = Number(rowsText);
if (!database || !Number.isInteger(rows)) throw new Error('usage: distributed-map.ts <db> <rows>');

const objects = new Map<string, Uint8Array>();
const s3: ItemSource & ResultSink = {
  async getObject({ bucket, key }) {
    const o = objects.get(`${bucket}/${key}`);
    if (!o) throw new Error('NoSuchKey');
    return o;
  },
  async listObjects() {
    return [];
  },
  async putObject({ bucket, key, body }) {
    objects.set(`${bucket}/${key}`, Buffer.from(body));
  },
};
objects.set('bench/rows.csv', Buffer.from(csvRows(rows)));

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const scheduler = new VirtualScheduler(Date.UTC(2026, 0, 1));
const engine = new Engine({ database, scheduler, itemSource: s3, resultSink: s3 });
const sm = engine.createStateMachine({ name: 'dmap', definition: JSON.stringify(distributedMapDefinition()), roleArn: ROLE_ARN });
const t0 = performance.now();
const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, input: '{}' });
const outcome = await engine.waitFor(executionArn);
const ms = performance.now() - t0;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
if (outcome.status !== 'SUCCEEDED') throw new Error(`the Distributed Map ended ${outcome.status}: ${JSON.stringify(outcome)}`);
const mapRunArn = (outcome.output as { MapRunArn: string }).MapRunArn;
const run = engine.describeMapRun(mapRunArn);
if (run.itemCounts.succeeded !== rows || run.itemCounts.resultsWritten !== rows) throw new Error(`Map Run counts: ${JSON.stringify(run.itemCounts)}`);
engine.close();
process.stdout.write(JSON.stringify({ rows, ms, itemsPerSecond: rows / (ms / 1000), peakRssMiB: peak / MiB, virtualSeconds: (scheduler.now() - Date.UTC(2026, 0, 1)) / 1000, counts: run.itemCounts }) + '\n');
