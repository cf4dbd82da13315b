/**
 * Replays the recorded AWS executions in intrinsic_functions__* whose definition is one JSONPath
 * Pass state with Parameters: evaluates the Parameters against the recorded input and compares
 * with the recorded output, after the case's own normalization rules.
 */
import { describe, it, expect } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonObject, JsonValue } from '../../../engine/json.ts';
import { evaluateIntrinsic, isIntrinsicExpression } from '../../../engine/query/intrinsics/index.ts';
import { resolvePath, type PathRoots } from '../../../engine/query/jsonpath/index.ts';

const CORPUS = path.resolve(process.cwd(), '../shared/conformance/corpus');

interface Rule {
  kind: 'literal' | 'regex';
  pattern: string;
  replacement: string;
}
interface Case {
  id: string;
  definition: { QueryLanguage?: string; StartAt: string; States: Record<string, JsonObject> };
  input: JsonValue;
  expected: { status: string; output: JsonValue };
  run_config: { state_machine_name: string; state_machine_arn: string; execution_name: string; execution_arn: string };
  normalization: { rules: Rule[] };
}

function loadCases(): Case[] {
  const dirs = readdirSync(path.join(CORPUS, 'cases')).filter((d) => d.startsWith('intrinsic_functions__'));
  const cases = dirs.flatMap((d) =>
    readdirSync(path.join(CORPUS, 'cases', d))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(path.join(CORPUS, 'cases', d, f), 'utf8')) as Case),
  );
  return cases.filter((c) => {
    const states = Object.values(c.definition.States);
    const state = states[0];
    const language = state?.QueryLanguage ?? c.definition.QueryLanguage ?? 'JSONPath';
    return states.length === 1 && language === 'JSONPath' && state.Type === 'Pass' && state.Parameters !== undefined && c.expected.status === 'SUCCEEDED';
  });
}

/** The Parameters payload template, as the interpreter evaluates it. */
function evaluateTemplate(template: JsonValue, roots: PathRoots, env: { uuid(): string }): JsonValue {
  if (Array.isArray(template)) return template.map((v) => evaluateTemplate(v, roots, env));
  if (template === null || typeof template !== 'object') return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      if (isIntrinsicExpression(value)) {
        out[key.slice(0, -2)] = evaluateIntrinsic(value, roots, env);
      } else {
        const r = resolvePath(value, roots);
        if (!r.found) throw new Error(`path ${value} not found`);
        out[key.slice(0, -2)] = r.value;
      }
    } else {
      out[key] = evaluateTemplate(value, roots, env);
    }
  }
  return out;
}

function normalize(value: JsonValue, rules: Rule[]): JsonValue {
  let text = JSON.stringify(value);
  for (const rule of rules) {
    text = rule.kind === 'literal' ? text.split(rule.pattern).join(rule.replacement) : text.replace(new RegExp(rule.pattern, 'g'), rule.replacement);
  }
  return JSON.parse(text) as JsonValue;
}

const present = existsSync(CORPUS);
const suite = present ? describe : describe.skip;
const title = present
  ? 'recorded AWS executions of intrinsic functions'
  : `recorded AWS executions of intrinsic functions (skipped: no corpus at ${CORPUS})`;

suite(title, () => {
  const cases = present ? loadCases() : [];

  it('finds the recorded cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
  });

  // Jest refuses an empty table even in a skipped suite.
  const table = cases.length > 0 ? cases.map((c) => [c.id, c] as const) : [['(none)', undefined as unknown as Case] as const];
  it.each(table)('%s', (_id, c) => {
    // Prepare
    const [stateName, state] = Object.entries(c.definition.States)[0];
    const context: JsonObject = {
      Execution: { Id: c.run_config.execution_arn, Input: c.input, Name: c.run_config.execution_name, StartTime: '2023-01-01T00:00:00.000Z' },
      State: { EnteredTime: '2023-01-01T00:00:00.000Z', Name: stateName },
      StateMachine: { Id: c.run_config.state_machine_arn, Name: c.run_config.state_machine_name },
    };
    const roots: PathRoots = { input: c.input, context, variable: () => undefined };
    // The UUID recording stores the placeholder its snapshot transformer wrote in place of the UUID.
    const env = { uuid: () => 'generated-uuid' };

    // Act
    const output = evaluateTemplate(state.Parameters as JsonValue, roots, env);

    // Assess
    expect(normalize(output, c.normalization.rules)).toEqual(c.expected.output);
  });
});
