/**
 * A hand-written two-stack cloud assembly, as `cdk synth` lays one out: `flow` depends on `data`
 * (listed first in the manifest all the same) and imports its table's name through an export;
 * a state machine definition is an asset of `flow`, found through its asset manifest.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeTwoStackAssembly(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const data = {
    Resources: {
      Jobs: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'jobs', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] } },
    },
    Outputs: { JobsName: { Value: { Ref: 'Jobs' }, Export: { Name: 'data:ExportsOutputRefJobs' } } },
  };
  const flow = {
    Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
    Resources: {
      Flow: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          StateMachineName: 'flow',
          DefinitionS3Location: { Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, Key: 'def123.json' },
          DefinitionSubstitutions: { Table: { 'Fn::ImportValue': 'data:ExportsOutputRefJobs' } },
        },
      },
      Failures: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'ExecutionsFailed' } },
      Role: { Type: 'AWS::IAM::Role' },
    },
  };
  writeFileSync(join(dir, 'data.template.json'), JSON.stringify(data));
  writeFileSync(join(dir, 'flow.template.json'), JSON.stringify(flow));
  writeFileSync(join(dir, 'asset.def123.json'), JSON.stringify({ StartAt: 'Put', States: { Put: { Type: 'Pass', Result: { table: '${Table}' }, End: true } } }));
  writeFileSync(join(dir, 'flow.assets.json'), JSON.stringify({
    version: '55.0.0',
    files: { def123: { source: { path: 'asset.def123.json', packaging: 'file' }, destinations: { d: { bucketName: 'cdk-hnb659fds-assets-123456789012-us-east-1', objectKey: 'def123.json' } } } },
  }));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
    version: '55.0.0',
    artifacts: {
      'flow.assets': { type: 'cdk:asset-manifest', properties: { file: 'flow.assets.json' } },
      Flow: { type: 'aws:cloudformation:stack', properties: { templateFile: 'flow.template.json', stackName: 'flow' }, dependencies: ['Data', 'flow.assets'] },
      Data: { type: 'aws:cloudformation:stack', properties: { templateFile: 'data.template.json', stackName: 'data' } },
      Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
    },
  }));
  return dir;
}
