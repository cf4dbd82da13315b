/**
 * A plain CloudFormation template (no CDK) on the local stack: its parameters, conditions and
 * Fn::Sub definition resolved, a given parameter value taken over the default, and the state machine
 * it defines run through the SFN API.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { LocalClients, localClientConfig } from '../../../local/services/clients.ts';
import { startCloudApp } from '../../../local/cloudformation/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'longhaul-cfn-template-'));
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  rmSync(dir, { recursive: true, force: true });
});

const TEMPLATE = {
  Parameters: { Stage: { Type: 'String', Default: 'dev' } },
  Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
  Resources: {
    Uploads: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': 'uploads-${Stage}' } } },
    Audit: { Type: 'AWS::S3::Bucket', Condition: 'IsProd' },
    Arrivals: { Type: 'AWS::SQS::Queue' },
    Uploaded: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [{ Ref: 'Uploads' }] } } },
        Targets: [{ Id: 'Arrivals', Arn: { 'Fn::GetAtt': ['Arrivals', 'Arn'] }, InputTransformer: { InputPathsMap: { key: '$.detail.object.key' }, InputTemplate: '{"arrived": "<key>"}' } }],
      },
    },
    Greeter: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: { 'Fn::Sub': 'greeter-${Stage}' },
        DefinitionString: { 'Fn::Sub': '{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","Result":{"bucket":"${Uploads}","region":"${AWS::Region}","prod":"${!Prod}"},"End":true}}}' },
        DefinitionSubstitutions: { Prod: { 'Fn::If': ['IsProd', 'yes', 'no'] } },
      },
    },
  },
};

describe('a plain CloudFormation template on the local stack', () => {
  it('resolves the template with a given parameter and runs its state machine', async () => {
    // Prepare
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(TEMPLATE));
    const { stack, app } = await startCloudApp({ template: file, parameters: { Stage: 'prod' }, workDir: join(dir, 'work') });
    stops.push(() => stack.stop());
    const sfn = new SFNClient(localClientConfig(stack.api.url, stack.engine.region));
    stops.push(async () => sfn.destroy());
    // Act
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stateMachines['greeter-prod'], input: '{}' }));
    let d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    while (d.status === 'RUNNING') {
      await sleep(20);
      d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    // Assess
    expect(app.config.buckets).toEqual(['uploads-prod', expect.stringMatching(/^template-audit-/)]);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ bucket: 'uploads-prod', region: 'us-east-1', prod: 'yes' });
  });

  it('sends an upload\'s event, shaped by the rule\'s InputTransformer, to the queue the rule targets', async () => {
    // Prepare
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(TEMPLATE));
    const { stack, app } = await startCloudApp({ template: file, workDir: join(dir, 'work-dev') });
    stops.push(() => stack.stop());
    const clients = new LocalClients(stack.services.endpoint);
    stops.push(async () => clients.destroy());
    const queueUrl = stack.queues[app.config.queues?.[0] as string];
    // Act
    await clients.s3(stack.engine.region).send(new PutObjectCommand({ Bucket: 'uploads-dev', Key: 'in/a.csv', Body: 'a,b' }));
    const { Messages } = await clients.sqs(stack.engine.region).send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    // Assess
    expect(Messages?.map((m) => JSON.parse(m.Body!))).toEqual([{ arrived: 'in/a.csv' }]);
  });
});
