/**
 * DynamoDB in the whole local stack, on the virtual clock: the optimized item integrations and
 * `aws-sdk:dynamodb:*` through the local DynamoDB, a Lambda handler reading the same table with
 * its own SDK client, AWS's error names for Catch, and the table's data across a restart.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { localStacks } from '../../support/stack-env.ts';
import { localClientConfig } from '../../../local/services/clients.ts';
import type { StackConfig } from '../../../local/stack.ts';

const READ_ITEM = fileURLToPath(new URL('./fixtures/read-item.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'longhaul-dynamodb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TABLE = '${Table}';
const KEY = { id: { 'S.$': '$.id' } };

/** Puts a job, reads it, fails a conditional update, lets a handler and aws-sdk read it too. */
const JOBS_DEFINITION = {
  StartAt: 'Put',
  States: {
    Put: {
      Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem',
      Parameters: { TableName: TABLE, Item: { id: { 'S.$': '$.id' }, status: { S: 'NEW' }, attempts: { N: '1' }, tags: { L: [{ S: 'a' }, { BOOL: true }] } } },
      ResultPath: '$.put', Next: 'Get',
    },
    Get: {
      Type: 'Task', Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: TABLE, Key: KEY, ConsistentRead: true },
      ResultPath: '$.got', Next: 'FinishIfRunning',
    },
    FinishIfRunning: {
      Type: 'Task', Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: {
        TableName: TABLE, Key: KEY, UpdateExpression: 'SET #s = :done', ConditionExpression: '#s = :running',
        ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':done': { S: 'DONE' }, ':running': { S: 'RUNNING' } },
      },
      Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.conditionFailed', Next: 'Count' }],
      ResultPath: '$.updated', Next: 'Count',
    },
    Count: {
      Type: 'Task', Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: { TableName: TABLE, Key: KEY, UpdateExpression: 'ADD attempts :one', ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'UPDATED_NEW' },
      ResultSelector: { 'attributes.$': '$.Attributes' }, ResultPath: '$.counted', Next: 'HandlerReads',
    },
    HandlerReads: {
      Type: 'Task', Resource: '${ReadItem}', Parameters: { table: TABLE, 'id.$': '$.id' },
      ResultPath: '$.handler', Next: 'SdkReads',
    },
    SdkReads: {
      Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
      Parameters: { TableName: TABLE, Key: KEY },
      ResultPath: '$.sdk', Next: 'SdkReadsMissingTable',
    },
    SdkReadsMissingTable: {
      Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
      Parameters: { TableName: 'no-such-table', Key: KEY },
      Catch: [{ ErrorEquals: ['DynamoDb.ResourceNotFoundException'], ResultPath: '$.missing', Next: 'Done' }],
      ResultPath: null, Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

function withJobs(c: StackConfig): StackConfig {
  const file = join(dir, 'jobs.asl.json');
  writeFileSync(file, JSON.stringify(JOBS_DEFINITION));
  return {
    ...c,
    tables: [...(c.tables ?? []), { name: 'jobs', partitionKey: { name: 'id', type: 'S' } }],
    functions: { ...c.functions, 'read-item': { handler: `${READ_ITEM}#handler`, timeout: 10 } },
    stateMachines: [...(c.stateMachines ?? []), { name: 'jobs', definitionFile: file, substitutions: { Table: '{{table:jobs}}', ReadItem: '{{function:read-item}}' } }],
  };
}

const stacks = localStacks();

describe('DynamoDB in the local stack', () => {
  it('writes and reads items through the optimized and aws-sdk integrations, with AWS\'s error names, and a handler reads the same item', async () => {
    // Prepare
    const env = await stacks({ config: withJobs });

    // Act
    const { executionArn } = env.stack.engine.startExecution({ stateMachineArn: env.stack.stateMachines.jobs, input: JSON.stringify({ id: 'job-1' }) });
    const { outcome } = await env.finish(executionArn);

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    const out = (outcome as { output: Record<string, Record<string, unknown>> }).output;
    const item = { id: { S: 'job-1' }, status: { S: 'NEW' }, attempts: { N: '1' }, tags: { L: [{ S: 'a' }, { BOOL: true }] } };
    expect(out.put).toEqual({ SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }), SdkResponseMetadata: { RequestId: expect.any(String) } });
    expect(out.got.Item).toEqual(item);
    expect(out.conditionFailed).toEqual({
      Error: 'DynamoDB.ConditionalCheckFailedException',
      Cause: expect.stringMatching(/^The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: .*; Proxy: null\)$/),
    });
    expect(out.updated).toBeUndefined();
    expect(out.counted).toEqual({ attributes: { attempts: { N: '2' } } });
    expect(out.handler).toEqual({ item: { ...item, attempts: { N: '2' } }, endpoint: env.stack.dynamodb.endpoint });
    expect(out.sdk).toEqual({ Item: { ...item, attempts: { N: '2' } } });
    expect(out.missing).toEqual({ Error: 'DynamoDb.ResourceNotFoundException', Cause: expect.stringContaining('(Service: DynamoDb, Status Code: 400, Request ID: ') });
  });

  it('keeps a table\'s items across a restart of the stack on the same data folder', async () => {
    // Prepare
    const dataDir = join(dir, 'data');
    const first = await stacks({ dataDir, config: withJobs });
    const { executionArn } = first.stack.engine.startExecution({ stateMachineArn: first.stack.stateMachines.jobs, input: JSON.stringify({ id: 'job-kept' }) });
    expect((await first.finish(executionArn)).outcome.status).toBe('SUCCEEDED');

    // Act
    await first.stack.stop();
    const second = await stacks({ dataDir, config: withJobs });
    const client = new DynamoDBClient(localClientConfig(second.stack.dynamodb.endpoint, 'us-east-1'));
    const read = await client.send(new GetItemCommand({ TableName: 'jobs', Key: { id: { S: 'job-kept' } }, ConsistentRead: true })).finally(() => client.destroy());

    // Assess
    expect(read.Item).toEqual({ id: { S: 'job-kept' }, status: { S: 'NEW' }, attempts: { N: '2' }, tags: { L: [{ S: 'a' }, { BOOL: true }] } });
  });
});
