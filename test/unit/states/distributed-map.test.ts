/**
 * Distributed Map over S3: ItemReader per format (JSON, JSON Lines, CSV with its header and
 * delimiter options, ListObjectsV2, an S3 inventory manifest, MaxItems), ResultWriter's files and
 * the Map's output, and their errors; on an in-memory S3.
 */
import { describe, it, expect } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import type { JsonObject, JsonValue } from '../../../engine/json.ts';
import { parseItems } from '../../../engine/states/index.ts';
import { readItems } from '../../../engine/runtime/map-io.ts';
import { eventTypes, fakeTasks, lambdaArn, taskError, testEngines } from '../../support/engine-env.ts';
import { MemoryS3 } from '../../support/memory-s3.ts';

const testEngine = testEngines();

const csv = { inputType: 'CSV', headerLocation: 'FIRST_ROW', delimiter: ',' } as const;

describe('ItemReader formats', () => {
  it.each<[string, string, Parameters<typeof parseItems>[1], JsonValue[]]>([
    ['a JSON array, item by item', '[{"a":1},2,"x"]', { ...csv, inputType: 'JSON' }, [{ a: 1 }, 2, 'x']],
    ['JSON Lines, a line per item, blank lines skipped', '{"a":1}\n\n{"a":2}\r\n', { ...csv, inputType: 'JSONL' }, [{ a: 1 }, { a: 2 }]],
    ['CSV keyed by its first row, values as strings', 'id,name\n1,ann\n2,bob\n', csv, [{ id: '1', name: 'ann' }, { id: '2', name: 'bob' }]],
    ['CSV with quoted fields holding delimiters, quotes and newlines', 'id,note\n1,"a, ""b""\nc"\n', csv, [{ id: '1', note: 'a, "b"\nc' }]],
    ['CSV with GIVEN headers reads every row as data', '1,ann\n2,bob', { ...csv, headerLocation: 'GIVEN', headers: ['id', 'name'] }, [{ id: '1', name: 'ann' }, { id: '2', name: 'bob' }]],
    ['CSV with a short row fills the missing values with ""', 'a,b,c\n1\n', csv, [{ a: '1', b: '', c: '' }]],
    ['PIPE-delimited CSV', 'a|b\n1|2\n', { ...csv, delimiter: '|' }, [{ a: '1', b: '2' }]],
    ['TAB-delimited CSV', 'a\tb\n1\t2\n', { ...csv, delimiter: '\t' }, [{ a: '1', b: '2' }]],
    ['MaxItems: only the first items', 'n\n1\n2\n3\n', { ...csv, maxItems: 2 }, [{ n: '1' }, { n: '2' }]],
  ])('reads %s', (_case, text, config, items) => {
    expect(parseItems(text, config)).toEqual(items);
  });

  it.each<[string, string, Parameters<typeof parseItems>[1]]>([
    ['a JSON object that is no array', '{"a":1}', { ...csv, inputType: 'JSON' }],
    ['a JSON Lines line that is no JSON', '{"a":1}\nnope', { ...csv, inputType: 'JSONL' }],
    ['CSV with duplicate headers', 'a,a\n1,2', csv],
  ])('fails with States.ItemReaderFailed on %s', (_case, text, config) => {
    expect(() => parseItems(text, config)).toThrow(expect.objectContaining({ error: 'States.ItemReaderFailed' }) as unknown as Error);
  });

  it('lists objects under a prefix as AWS gives them: Key, Etag, LastModified, Size, StorageClass', async () => {
    const s3 = new MemoryS3();
    s3.put('b', 'in/a.txt', 'hello', 1_700_000_000_000);
    s3.put('b', 'in/b.txt', 'hi');
    s3.put('b', 'other/c.txt', 'x');

    const items = await readItems(s3, { action: 'listObjectsV2', parameters: { Bucket: 'b', Prefix: 'in/' }, config: csv });

    expect(items).toEqual([
      { Key: 'in/a.txt', Etag: '"5d41402abc4b2a76b9719d911017c592"', LastModified: 1_700_000_000, Size: 5, StorageClass: 'STANDARD' },
      expect.objectContaining({ Key: 'in/b.txt', Size: 2 }),
    ]);
  });

  it('reads an S3 inventory manifest: the rows of its gzip CSV files, keyed by its fileSchema', async () => {
    const s3 = new MemoryS3();
    s3.put('inv', 'data/1.csv.gz', gzipSync('"src","a.csv","10"\n"src","b.csv","20"\n'));
    s3.put('inv', 'manifest.json', JSON.stringify({
      destinationBucket: 'arn:aws:s3:::inv', fileFormat: 'CSV', fileSchema: 'Bucket, Key, Size', files: [{ key: 'data/1.csv.gz' }],
    }));

    const items = await readItems(s3, { action: 'getObject', parameters: { Bucket: 'inv', Key: 'manifest.json' }, config: { ...csv, inputType: 'MANIFEST' } });

    expect(items).toEqual([{ Bucket: 'src', Key: 'a.csv', Size: '10' }, { Bucket: 'src', Key: 'b.csv', Size: '20' }]);
  });
});

function distributed(fields: object, processor: object = { Item: { Type: 'Pass', End: true } }): object {
  return {
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: Object.keys(processor)[0], States: processor },
        ...fields, End: true,
      },
    },
  };
}

const CSV_READER = {
  Resource: 'arn:aws:states:::s3:getObject',
  ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
  Parameters: { 'Bucket.$': '$.bucket', Key: 'rows.csv' },
};
const WRITER = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'runs' } };

describe('Distributed Map over S3', () => {
  it('maps over the rows of a CSV object in S3', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', 'id,qty\n1,5\n2,7\n');
    const env = testEngine({ s3 });

    const { outcome } = await env.run(distributed({ ItemReader: CSV_READER, ItemSelector: { 'id.$': '$$.Map.Item.Value.id' } }), { bucket: 'in' });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [{ id: '1' }, { id: '2' }] });
  });

  it('writes its results with ResultWriter: a manifest and SUCCEEDED_0.json under <Prefix>/<mapRunId>/, and outputs where they are', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', 'id\na\nb\nc\n');
    const env = testEngine({ s3 });

    const { outcome, history } = await env.run(distributed({ ItemReader: CSV_READER, ResultWriter: WRITER }), { bucket: 'in' });

    expect(outcome.status).toBe('SUCCEEDED');
    const output = (outcome as { output: JsonObject }).output as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
    const mapRunId = output.MapRunArn.split(':').pop()!;
    expect(output.ResultWriterDetails).toEqual({ Bucket: 'out', Key: `runs/${mapRunId}/manifest.json` });
    expect(s3.keys('out')).toEqual([`runs/${mapRunId}/SUCCEEDED_0.json`, `runs/${mapRunId}/manifest.json`]);
    const manifest = s3.json('out', `runs/${mapRunId}/manifest.json`) as JsonObject;
    expect(manifest).toEqual({
      DestinationBucket: 'out', MapRunArn: output.MapRunArn,
      ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [{ Key: `runs/${mapRunId}/SUCCEEDED_0.json`, Size: expect.any(Number) }] },
    });
    const succeeded = s3.json('out', `runs/${mapRunId}/SUCCEEDED_0.json`) as JsonObject[];
    expect(succeeded).toHaveLength(3);
    expect(succeeded[0]).toEqual(expect.objectContaining({
      Input: '{"id":"a"}', Output: '{"id":"a"}', Status: 'SUCCEEDED',
      ExecutionArn: expect.stringMatching(/^arn:aws:states:us-east-1:123456789012:execution:[^:/]+\/[^:]+:[0-9a-f-]{36}$/),
    }));
    expect(eventTypes(history)).toContain('MapRunSucceeded');
  });

  it('writes FAILED_0.json with each failed child\'s error when failures are tolerated', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', 'ok\nyes\nno\nyes\n');
    const env = testEngine({ s3 });
    const processor = {
      Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', StringEquals: 'no', Next: 'Bad' }], Default: 'Good' },
      Bad: { Type: 'Fail', Error: 'Row.Bad', Cause: 'row says no' },
      Good: { Type: 'Pass', End: true },
    };

    const { outcome } = await env.run(distributed({ ItemReader: CSV_READER, ResultWriter: WRITER, ToleratedFailureCount: 1 }, processor), { bucket: 'in' });

    expect(outcome.status).toBe('SUCCEEDED');
    const key = (outcome as unknown as { output: { ResultWriterDetails: { Key: string } } }).output.ResultWriterDetails.Key;
    const files = (s3.json('out', key) as { ResultFiles: Record<string, { Key: string }[]> }).ResultFiles;
    expect(files.SUCCEEDED).toHaveLength(1);
    expect(s3.json('out', files.FAILED[0].Key)).toEqual([expect.objectContaining({ Status: 'FAILED', Error: 'Row.Bad', Cause: 'row says no', Input: '{"ok":"no"}' })]);
  });

  it.each<[string, (s3: MemoryS3) => void, object, string]>([
    ['the object is missing', () => undefined, { ItemReader: CSV_READER }, 'States.ItemReaderFailed'],
    ['the results cannot be written', (s3) => { s3.put('in', 'rows.csv', 'id\n1\n'); s3.failPuts = 'AccessDenied'; }, { ItemReader: CSV_READER, ResultWriter: WRITER }, 'States.ResultWriterFailed'],
  ])('fails when %s', async (_case, prepare, fields, error) => {
    const s3 = new MemoryS3();
    prepare(s3);
    const env = testEngine({ s3 });

    const { outcome } = await env.run(distributed(fields), { bucket: 'in' });

    expect(outcome).toMatchObject({ status: 'FAILED', error });
  });

  it('reads the objects under a prefix with listObjectsV2, MaxItems of them', async () => {
    const s3 = new MemoryS3();
    for (const k of ['p/1', 'p/2', 'p/3']) s3.put('in', k, k);
    const env = testEngine({ s3 });
    const reader = { Resource: 'arn:aws:states:::s3:listObjectsV2', ReaderConfig: { MaxItems: 2 }, Parameters: { Bucket: 'in', Prefix: 'p/' } };

    const { outcome } = await env.run(distributed({ ItemReader: reader, ItemSelector: { 'key.$': '$$.Map.Item.Value.Key' } }), {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [{ key: 'p/1' }, { key: 'p/2' }] });
  });

  it('reads JSON Lines with Arguments in a JSONata Map', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.jsonl', '{"n":1}\n{"n":2}\n');
    const env = testEngine({ s3 });
    const reader = { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' }, Arguments: { Bucket: '{% $states.input.bucket %}', Key: 'rows.jsonl' } };

    const { outcome } = await env.run({ QueryLanguage: 'JSONata', ...distributed({ ItemReader: reader, ItemSelector: '{% $states.context.Map.Item.Value.n * 10 %}' }) }, { bucket: 'in' });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [10, 20] });
  });

  it.each<[string, object, object, JsonValue]>([
    ['FLATTEN spreads the children\'s array outputs', { Transformation: 'FLATTEN' }, { Out: { Type: 'Pass', Parameters: { 'pair.$': 'States.Array($.id, $.id)' }, OutputPath: '$.pair', End: true } }, ['a', 'a', 'b', 'b']],
    ['COMPACT keeps the outputs as they are', { Transformation: 'COMPACT' }, { Out: { Type: 'Pass', Parameters: { 'pair.$': 'States.Array($.id, $.id)' }, OutputPath: '$.pair', End: true } }, [['a', 'a'], ['b', 'b']]],
  ])('shapes its output with a WriterConfig alone: %s', async (_case, config, processor, output) => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', 'id\na\nb\n');
    const env = testEngine({ s3 });

    const { outcome } = await env.run(distributed({ ItemReader: CSV_READER, ResultWriter: { WriterConfig: config } }, processor), { bucket: 'in' });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output });
    expect(s3.keys('out')).toEqual([]);
  });

  it('outputs each child\'s record with its metadata for a WriterConfig with Transformation NONE', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', 'id\na\n');
    const env = testEngine({ s3 });

    const { outcome } = await env.run(distributed({ ItemReader: CSV_READER, ResultWriter: { WriterConfig: { Transformation: 'NONE' } } }), { bucket: 'in' });

    expect(outcome).toEqual({
      status: 'SUCCEEDED',
      output: [expect.objectContaining({ Input: '{"id":"a"}', Output: '{"id":"a"}', Status: 'SUCCEEDED', ExecutionArn: expect.stringContaining(':execution:') })],
    });
  });

  it('writes the outputs as JSON Lines for OutputType JSONL with Transformation COMPACT', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', 'id\na\nb\n');
    const env = testEngine({ s3 });
    const writer = { ...WRITER, WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSONL' } };

    const { outcome } = await env.run(distributed({ ItemReader: CSV_READER, ResultWriter: writer }), { bucket: 'in' });

    const key = (outcome as unknown as { output: { ResultWriterDetails: { Key: string } } }).output.ResultWriterDetails.Key;
    const files = (s3.json('out', key) as { ResultFiles: Record<string, { Key: string }[]> }).ResultFiles;
    expect(s3.text('out', files.SUCCEEDED[0].Key)).toBe('{"id":"a"}\n{"id":"b"}\n');
  });

  it('gives each child its own execution in the context object', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', 'id\na\n');
    const env = testEngine({ s3 });
    const processor = { Who: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name', 'input.$': '$$.Execution.Input', 'machine.$': '$$.StateMachine.Name' }, End: true } };

    const { outcome, executionArn } = await env.run(distributed({ Label: 'Rows', ItemReader: CSV_READER }, processor), { bucket: 'in' });

    const [who] = (outcome as unknown as { output: { id: string; name: string; input: JsonValue; machine: string }[] }).output;
    expect(who.id).not.toBe(executionArn);
    expect(who.id).toMatch(new RegExp(`:execution:[^:]+/Rows:${who.name}$`));
    expect(who.input).toEqual({ id: 'a' });
    expect(who.machine).toMatch(/\/Rows$/);
    expect(env.engine.describeExecution(who.id).status).toBe('SUCCEEDED');
  });

  it('is ABORTED with its running children when the execution is stopped', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', 'id\na\nb\nc\n');
    const env = testEngine({ s3 });
    const executionArn = env.start(distributed({ ItemReader: CSV_READER, MaxConcurrency: 2 }, { Pause: { Type: 'Wait', Seconds: 60, End: true } }), { bucket: 'in' });
    await env.idle();

    env.engine.stopExecution(executionArn);
    const { outcome } = await env.finish(executionArn);

    const mapRunArn = env.engine.listMapRuns(executionArn)[0].arn;
    expect(outcome.status).toBe('ABORTED');
    expect(env.engine.describeMapRun(mapRunArn)).toMatchObject({ status: 'ABORTED', itemCounts: { pending: 1, running: 0, failed: 0, aborted: 2, total: 3 } });
    const children = env.engine.listMapRunExecutions(mapRunArn, {});
    expect(children.map((c) => c.status)).toEqual(['ABORTED', 'ABORTED']);
    expect(eventTypes(env.engine.history(children[0].arn)).at(-1)).toBe('ExecutionAborted');
  });

  it('writes its results out 10,000 records a file while it runs, so a finished child keeps only its status', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', `id\n${Array.from({ length: 10_001 }, (_, i) => i).join('\n')}\n`);
    const env = testEngine({ s3 });

    const { outcome } = await env.run(distributed({ ItemReader: CSV_READER, ResultWriter: WRITER, MaxConcurrency: 100 }), { bucket: 'in' });

    const key = (outcome as unknown as { output: { ResultWriterDetails: { Key: string } } }).output.ResultWriterDetails.Key;
    const files = (s3.json('out', key) as { ResultFiles: Record<string, { Key: string }[]> }).ResultFiles;
    expect(files.SUCCEEDED.map((f) => f.Key.split('/').pop())).toEqual(['SUCCEEDED_0.json', 'SUCCEEDED_1.json']);
    expect((s3.json('out', files.SUCCEEDED[0].Key) as unknown[]).length + (s3.json('out', files.SUCCEEDED[1].Key) as unknown[]).length).toBe(10_001);
  });
});

describe('Redriving a failed Map Run', () => {
  it('runs again only the children that failed, each continuing its own history, and records MapRunRedriven', async () => {
    // Prepare
    const WORK = lambdaArn('work');
    const failing = new Set(['b', 'c']);
    const calls: string[] = [];
    const tasks = fakeTasks({
      [WORK]: (p) => {
        const id = (p as { id: string }).id;
        calls.push(id);
        if (failing.has(id)) throw taskError('Work.Failed', `row ${id}`);
        return id.toUpperCase();
      },
    });
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', 'id\na\nb\nc\nd\n');
    const env = testEngine({ s3, tasks });
    const first = await env.run(distributed({ ItemReader: CSV_READER, ToleratedFailureCount: 1 }, { Work: { Type: 'Task', Resource: WORK, End: true } }), { bucket: 'in' });
    failing.clear();
    const mapRunArn = env.engine.listMapRuns(first.executionArn)[0].arn;
    const failedChild = env.engine.listMapRunExecutions(mapRunArn, { status: 'FAILED' })[0];

    // Act
    env.engine.redriveExecution(first.executionArn);
    const { outcome, history } = await env.finish(first.executionArn);

    // Assess
    expect(first.outcome).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: ['A', 'B', 'C', 'D'] });
    expect([...calls].sort()).toEqual(['a', 'b', 'b', 'c', 'c', 'd']);
    const types = eventTypes(history);
    expect(types.slice(types.indexOf('ExecutionRedriven'))).toEqual([
      'ExecutionRedriven', 'MapRunRedriven', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
    ]);
    expect(env.engine.describeMapRun(mapRunArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, itemCounts: { succeeded: 4, failed: 0, total: 4 } });
    const child = env.engine.history(failedChild.arn);
    expect(eventTypes(child).slice(eventTypes(child).indexOf('ExecutionFailed'))).toEqual([
      'ExecutionFailed', 'ExecutionRedriven', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(child.map((e) => e.id)).toEqual(child.map((_, i) => i + 1));
    expect(env.engine.describeExecution(failedChild.arn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  });
});

