import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ExampleJobStack } from '../infra/example-job-stack.ts';

test('the stack deploys asl/example-job.asl.json with every ${...} placeholder supplied', () => {
  // no bundling: a synth without esbuild runs, and the test reads only the template
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new ExampleJobStack(app, 'ExampleJob'));

  // fromFile uploads the file as an asset: the placeholders are read from it
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as { Properties: { DefinitionSubstitutions: Record<string, unknown> } }[];
  const asl = readFileSync('asl/example-job.asl.json', 'utf8');
  const placeholders = [...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
  expect(placeholders.length).toBeGreaterThan(0);
  expect(Object.keys(machine.Properties.DefinitionSubstitutions).sort()).toEqual([...new Set(placeholders)].sort());
});
