/**
 * ValidateStateMachineDefinition: every problem CreateStateMachine would refuse the definition
 * for, as diagnostics. Longhaul's validation reports errors only (no WARNING diagnostics).
 */
import { InvalidDefinition } from '../../errors.ts';
import { definitionProblems, parseDefinitionText, ProblemCode, type Problem } from '../../definition/validate.ts';
import type { Action } from '../protocol.ts';
import { definitionTooDeep, optionalEnum, optionalInt, requiredString } from '../protocol.ts';

const JSON_PREFIX = `Invalid State Machine Definition: '${ProblemCode.InvalidJson}: `;

export const validateStateMachineDefinition: Action = (req) => {
  const text = requiredString(req, 'definition', 1024 * 1024);
  const type = optionalEnum(req, 'type', ['STANDARD', 'EXPRESS'] as const);
  optionalEnum(req, 'severity', ['ERROR', 'WARNING'] as const);
  const max = optionalInt(req, 'maxResults', 0, 100) || 100;
  const problems = problemsOf(text, type);
  return {
    result: problems.length === 0 ? 'OK' : 'FAIL',
    diagnostics: problems.slice(0, max).map((p) => ({ severity: 'ERROR', code: p.code, message: p.message, ...(p.location !== null && { location: p.location }) })),
    truncated: problems.length > max,
  };
};

function problemsOf(text: string, type: 'STANDARD' | 'EXPRESS' | undefined): Problem[] {
  const deep = definitionTooDeep(text);
  if (deep) return [{ code: ProblemCode.InvalidJson, message: deep.problem, location: null }];
  try {
    return definitionProblems(parseDefinitionText(text), { type });
  } catch (e) {
    if (!(e instanceof InvalidDefinition)) throw e;
    const message = e.message.startsWith(JSON_PREFIX) ? e.message.slice(JSON_PREFIX.length, -1) : e.message;
    return [{ code: ProblemCode.InvalidJson, message, location: null }];
  }
}
