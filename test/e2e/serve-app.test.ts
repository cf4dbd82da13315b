/** `longhaul serve --app cdk.out` as a user runs it: what it prints at start, and a stack that answers. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { killAll, serve, type Served } from '../support/served.ts';
import { writeTwoStackAssembly } from '../support/cloud-assembly.ts';

const dir = mkdtempSync(join(tmpdir(), 'longhaul-serve-app-'));
let served: Served | undefined;
afterAll(async () => {
  await killAll(served);
  rmSync(dir, { recursive: true, force: true });
});

describe('longhaul serve --app', () => {
  it('lists what runs, needs nothing and does not run, then serves the app\'s state machine', async () => {
    // Prepare
    const app = writeTwoStackAssembly(join(dir, 'cdk.out'));
    // Act
    served = await serve(join(dir, 'data'), ['--app', app]);
    const sfn = new SFNClient({ endpoint: served.api, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:flow', input: '{}' }));
    let d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    while (d.status === 'RUNNING') d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    sfn.destroy();
    // Assess
    const out = served.output();
    expect(out).toContain('  AWS::DynamoDB::Table (1): jobs');
    expect(out).toContain('  AWS::StepFunctions::StateMachine (1): flow');
    expect(out).toContain('Needs nothing locally: AWS::IAM::Role (1)');
    expect(out).toMatch(/Not run locally:\n {2}AWS::CloudWatch::Alarm \(1\)\n {4}flow\/Failures: no CloudWatch metrics/);
    expect([d.status, d.output]).toEqual(['SUCCEEDED', '{"table":"jobs"}']);
  });
});
