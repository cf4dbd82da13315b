/**
 * `createTestEnvironment({ app })`: definitions from the app as it deploys — here a plain
 * CloudFormation template (a synthesized CDK app's cdk.out is read the same way) whose state
 * machine waits an hour and writes to the app's table.
 */
import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createTestEnvironment } from '../../testing/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'longhaul-testing-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEMPLATE = {
  Resources: {
    Orders: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' },
    },
    Settle: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: 'settle',
        DefinitionString: JSON.stringify({
          StartAt: 'Cool',
          States: {
            Cool: { Type: 'Wait', Seconds: 3600, Next: 'Save' },
            Save: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: { TableName: '${Table}', Item: { id: { 'S.$': '$.id' } } }, End: true },
          },
        }),
        DefinitionSubstitutions: { Table: { Ref: 'Orders' } },
        RoleArn: 'arn:aws:iam::123456789012:role/settle',
      },
    },
  },
  Outputs: { OrdersTable: { Value: { Ref: 'Orders' } } },
};

it('runs the app\'s state machine by its name, an hour of waiting in no time, against the app\'s own table', async () => {
  // Prepare
  const template = join(dir, 'app.template.json');
  writeFileSync(template, JSON.stringify(TEMPLATE));
  const env = await createTestEnvironment({ app: { template } });
  try {
    // Act
    const execution = await env.startAndWait('settle', { id: 'o-1' });
    const tables = await env.dynamodb!.send(new ListTablesCommand({}));
    const table = tables.TableNames!.find((t) => t.includes('Orders'))!;
    const item = await env.dynamodb!.send(new GetItemCommand({ TableName: table, Key: { id: { S: 'o-1' } }, ConsistentRead: true }));

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.stopMs! - execution.startMs).toBeGreaterThanOrEqual(3_600_000);
    expect(item.Item).toEqual({ id: { S: 'o-1' } });
  } finally {
    await env.teardown();
  }
});
