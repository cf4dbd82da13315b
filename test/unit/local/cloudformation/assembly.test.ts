/** Reading a cloud assembly: its stacks in dependency order, their templates and assets. */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCloudAssembly } from '../../../../local/cloudformation/assembly.ts';
import { TemplateError } from '../../../../local/cloudformation/intrinsics.ts';
import { mapApp } from '../../../../local/cloudformation/map-resources.ts';
import { writeTwoStackAssembly } from '../../../support/cloud-assembly.ts';

describe('readCloudAssembly', () => {
  it('reads the stacks after those they depend on, with their assets by object key', () => {
    // Prepare
    const dir = writeTwoStackAssembly(mkdtempSync(join(tmpdir(), 'longhaul-assembly-')));
    // Act
    const stacks = readCloudAssembly(dir);
    // Assess
    expect(stacks.map((s) => s.stackName)).toEqual(['data', 'flow']);
    expect(stacks[1].assets).toEqual({ 'def123.json': join(dir, 'asset.def123.json') });
  });

  it('maps a definition asset with a substitution imported from the other stack', () => {
    const dir = writeTwoStackAssembly(mkdtempSync(join(tmpdir(), 'longhaul-assembly-')));
    const app = mapApp(readCloudAssembly(dir));
    expect(app.config.stateMachines).toEqual([{ name: 'flow', definitionFile: join(dir, 'asset.def123.json'), substitutions: { Table: 'jobs' } }]);
  });

  it('refuses a folder without manifest.json, saying what to pass instead', () => {
    expect(() => readCloudAssembly(tmpdir())).toThrow(TemplateError);
  });
});
