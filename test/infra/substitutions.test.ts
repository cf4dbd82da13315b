import { describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { aslPath, WORKFLOW_SUBSTITUTIONS, type WorkflowName } from '../../infra/workflows.ts';
import { placeholdersIn, SUBSTITUTION_NAMES } from '../../workflows/substitutions.ts';
import { buildLonghaul } from './support.ts';

const { reportEtl, queueDrain, nightlyExport } = buildLonghaul();
const stacks = { 'report-etl': reportEtl, 'queue-drain': queueDrain, 'nightly-export': nightlyExport } as const;
const workflows = Object.keys(WORKFLOW_SUBSTITUTIONS) as WorkflowName[];

function definitionSubstitutions(workflow: WorkflowName): Record<string, unknown> {
  const machines = Template.fromStack(stacks[workflow]).findResources('AWS::StepFunctions::StateMachine');
  expect(Object.keys(machines)).toHaveLength(1);
  return Object.values(machines)[0].Properties.DefinitionSubstitutions;
}

describe('substitutions', () => {
  it.each(workflows)('%s: infra lists exactly the placeholders its asl/ file uses', (workflow) => {
    // Prepare
    const text = readFileSync(aslPath(workflow), 'utf8');

    // Act
    const used = placeholdersIn(text);

    // Assess
    expect([...WORKFLOW_SUBSTITUTIONS[workflow]].sort()).toEqual(used);
  });

  it.each(workflows)('%s: the synthesized state machine supplies every placeholder, each with a value', (workflow) => {
    const used = placeholdersIn(readFileSync(aslPath(workflow), 'utf8'));

    const supplied = definitionSubstitutions(workflow);

    expect(Object.keys(supplied).sort()).toEqual(used);
    for (const name of used) expect(supplied[name]).toBeTruthy();
  });

  it('deploys the asl/ file as it is, from a file asset, not a definition rebuilt in infra', () => {
    for (const workflow of workflows) {
      const machine = Object.values(Template.fromStack(stacks[workflow]).findResources('AWS::StepFunctions::StateMachine'))[0];
      expect(machine.Properties.DefinitionS3Location).toBeDefined();
      expect(machine.Properties.DefinitionString).toBeUndefined();
    }
  });

  it('covers every substitution name the workflows define', () => {
    const listed = new Set(Object.values(WORKFLOW_SUBSTITUTIONS).flat());

    expect([...listed].sort()).toEqual([...SUBSTITUTION_NAMES].sort());
  });
});
