/**
 * A Distributed Map in the whole local stack, on the virtual clock: a 100,000-row CSV in the local
 * S3 read by ItemReader, each row a child execution (a Wait, then a Pass) at MaxConcurrency 1,000,
 * the results written by ResultWriter back to the local S3, and the Map Run's counts read with
 * DescribeMapRun through the real SFN client.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeMapRunCommand, ListMapRunsCommand } from '@aws-sdk/client-sfn';
import { localStacks } from '../../support/stack-env.ts';
import type { StackConfig } from '../../../local/stack.ts';

const ROWS = 100_000;
const BUCKET = 'reports';
const dir = mkdtempSync(join(tmpdir(), 'longhaul-dmap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEFINITION = {
  StartAt: 'EachRow',
  States: {
    EachRow: {
      Type: 'Map',
      Label: 'rows',
      MaxConcurrency: 1000,
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
        Parameters: { Bucket: BUCKET, Key: 'in/rows.csv' },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Think',
        States: {
          Think: { Type: 'Wait', Seconds: 60, Next: 'Total' },
          Total: { Type: 'Pass', Parameters: { 'id.$': '$.id', 'amount.$': 'States.StringToJson($.amount)' }, End: true },
        },
      },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: BUCKET, Prefix: 'out' } },
      End: true,
    },
  },
};

function withRows(c: StackConfig): StackConfig {
  const file = join(dir, 'rows.asl.json');
  writeFileSync(file, JSON.stringify(DEFINITION));
  return { ...c, stateMachines: [...(c.stateMachines ?? []), { name: 'rows', definitionFile: file }] };
}

const stacks = localStacks();

describe('a Distributed Map in the local stack', () => {
  it('maps a 100,000-row CSV from the local S3, writes its results there, and counts them in its Map Run', async () => {
    // Prepare
    const env = await stacks({ config: withRows });
    const csv = ['id,amount', ...Array.from({ length: ROWS }, (_, i) => `r${i},${i % 100}`)].join('\n');
    await env.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/rows.csv', Body: csv }));

    // Act
    const { executionArn } = env.stack.engine.startExecution({ stateMachineArn: env.stack.stateMachines.rows, input: '{}' });
    const { outcome } = await env.finish(executionArn);
    const runs = await env.sfn.send(new ListMapRunsCommand({ executionArn }));
    const run = await env.sfn.send(new DescribeMapRunCommand({ mapRunArn: runs.mapRuns![0].mapRunArn }));

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    const output = (outcome as unknown as { output: { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } } }).output;
    expect(output.MapRunArn).toBe(run.mapRunArn);
    expect(output.ResultWriterDetails.Bucket).toBe(BUCKET);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.maxConcurrency).toBe(1000);
    expect(run.itemCounts).toMatchObject({ total: ROWS, succeeded: ROWS, failed: 0, pending: 0, running: 0, resultsWritten: ROWS });
    expect(run.executionCounts).toMatchObject({ total: ROWS, succeeded: ROWS, failed: 0 });
    const manifest = JSON.parse(await (await env.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: output.ResultWriterDetails.Key }))).Body!.transformToString()) as {
      ResultFiles: { SUCCEEDED: { Key: string; Size: number }[] };
    };
    let written = 0;
    let last: { Output: string } | undefined;
    for (const f of manifest.ResultFiles.SUCCEEDED) {
      const results = JSON.parse(await (await env.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: f.Key }))).Body!.transformToString()) as { Output: string }[];
      written += results.length;
      last = results.at(-1);
    }
    expect(written).toBe(ROWS);
    expect(JSON.parse(last!.Output)).toEqual({ id: expect.stringMatching(/^r\d+$/), amount: expect.any(Number) });
    // a thousand at a time, each waiting a minute: a hundred minutes of virtual time
    expect(env.elapsedMs()).toBeGreaterThanOrEqual(100 * 60_000);
  }, 180_000);
});
