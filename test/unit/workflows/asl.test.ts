/**
 * asl/ is what AWS runs: it must be what the builders emit today, valid for the engine's
 * validator (AWS's rules) once infra has filled its placeholders, and every placeholder must be a
 * SubstitutionName infra knows.
 */
import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { validateDefinition } from '../../../engine/definition/validate.ts';
import { aslText, workflows } from '../../../workflows/index.ts';
import { placeholdersIn, SUBSTITUTION_NAMES } from '../../../workflows/substitutions.ts';
import { definitionOf } from './workflow-env.ts';

const table = workflows().map((w) => [w.name, w] as const);

describe('asl/', () => {
  it.each(table)('holds the current %s (run `npm run asl` when this fails)', (name, workflow) => {
    const committed = readFileSync(new URL(`../../../asl/${name}.asl.json`, import.meta.url), 'utf8');

    expect(committed).toBe(aslText(workflow));
  });

  it.each(table)('%s is a valid definition once its placeholders are substituted', (_name, workflow) => {
    expect(() => validateDefinition(JSON.parse(definitionOf(workflow)))).not.toThrow();
  });

  it('uses only known substitution names, and every known name is used', () => {
    const used = [...new Set(workflows().flatMap((w) => placeholdersIn(aslText(w))))].sort();

    expect(used).toEqual([...SUBSTITUTION_NAMES].sort());
  });
});
