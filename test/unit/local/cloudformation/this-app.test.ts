/**
 * This repository's own CDK app (`npm run synth`), mapped onto the local stack: every resource of
 * both stacks either runs or is listed, none dropped.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCloudAssembly, type AppStack } from '../../../../local/cloudformation/assembly.ts';
import { mapApp, type MappedApp } from '../../../../local/cloudformation/map-resources.ts';
import { describeResources } from '../../../../local/cloudformation/run.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
let stacks: AppStack[];
let app: MappedApp;

beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'longhaul-synth-'));
  execFileSync(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--output', out], { cwd: ROOT, stdio: 'pipe' });
  stacks = readCloudAssembly(out);
  app = mapApp(stacks);
  // the mapping has read what it needs; the definition files it names stay in use only by a running stack
  process.on('exit', () => rmSync(out, { recursive: true, force: true }));
}, 120_000);

describe("this repository's CDK app", () => {
  it('maps every resource of every stack to run, needs nothing or not run, none left out', () => {
    // Assess
    const inTemplates = stacks.flatMap((s) => Object.entries(s.template.Resources ?? {}).map(([id, r]) => `${s.stackName}/${id} ${r.Type}`)).sort();
    const mapped = app.resources.map((r) => `${r.stack}/${r.logicalId} ${r.type}`).sort();
    expect(mapped).toEqual(inTemplates);
    expect(stacks.map((s) => s.stackName)).toEqual(['longhaul-report-etl', 'longhaul-queue-drain', 'longhaul-nightly-export']);
  });

  it('runs its functions, state machines, bucket, queues, secrets, event source mapping and callback route', () => {
    const ran = (type: string) => app.resources.filter((r) => r.type === type && r.outcome.kind === 'run').length;
    const all = (type: string) => app.resources.filter((r) => r.type === type).length;
    for (const type of ['AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine', 'AWS::SQS::Queue', 'AWS::SecretsManager::Secret', 'AWS::Lambda::EventSourceMapping', 'AWS::ApiGatewayV2::Route', 'AWS::S3::Bucket', 'AWS::SNS::Topic']) {
      expect([type, ran(type)]).toEqual([type, all(type)]);
    }
    expect(app.config.stateMachines?.map((s) => s.name).sort()).toEqual(['longhaul-nightly-export', 'longhaul-queue-drain', 'longhaul-report-etl']);
    const etl = app.config.stateMachines?.find((s) => s.name === 'longhaul-report-etl');
    expect(etl?.substitutions?.CallbackBaseUrl).toBe('{{httpApi:Api}}');
    expect(etl?.substitutions?.NotifyFunctionArn).toMatch(/^arn:aws:lambda:us-east-1:123456789012:function:longhaul-report-etl-NotifyFunction/);
    expect(app.config.httpApis).toEqual([{ name: 'Api', routes: [{ route: 'POST /callbacks', function: expect.stringMatching(/CallbacksReceiver/) }] }]);
  });

  it('runs the upload rule into its queue, and lists the alarms as not run', () => {
    const notRun = app.resources.filter((r) => r.outcome.kind === 'notRun').map((r) => r.type);
    expect(new Set(notRun)).toEqual(new Set(['AWS::CloudWatch::Alarm']));
    expect(app.config.rules?.find((r) => r.name.includes('ReportUploaded'))).toMatchObject({ queue: expect.stringMatching(/TriggerQueue/), eventPattern: { detail: { bucket: { name: [expect.stringMatching(/reports/)] } } } });
    expect(describeResources(app.resources).join('\n')).toMatch(/Not run locally:\n {2}AWS::CloudWatch::Alarm \(\d+\)/);
  });
});
