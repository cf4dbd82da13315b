/**
 * Static validation of a state machine definition, as CreateStateMachine does it: a definition
 * AWS would refuse is refused here, with AWS's `InvalidDefinition` error and AWS's message
 * (`Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ... at /States/X/...'`).
 *
 * Checks run in two passes, as AWS's do: the shape of the definition (fields, types, paths,
 * intrinsic calls, JSONata expressions, service integrations), then, when the shape is sound,
 * the transition graph (missing targets, unreachable states, no terminal state, duplicate state
 * names). Every problem of the failing pass is reported, joined with `, ` as AWS joins them.
 *
 * Caveats: AWS's exact wording is known for the diagnostics recorded in the conformance corpus
 * and a few reported elsewhere; the others keep AWS's style (see validate/problems.ts). The
 * list of optimized service integrations is a snapshot (validate/resources.ts).
 */
import { InvalidDefinition } from '../errors.ts';
import type { JsonValue } from '../json.ts';
import { CheckContext, MachineType } from './validate/context.ts';
import { checkGraph } from './validate/graph.ts';
import { findJsonSyntaxProblem, jacksonMessage } from './validate/json-text.ts';
import { formatProblems, ProblemCode, Say, type Problem } from './validate/problems.ts';
import { checkDefinitionShape } from './validate/states.ts';

export { formatProblems, ProblemCode, type Problem } from './validate/problems.ts';

export interface ValidateOptions {
  /** the state machine's type; EXPRESS refuses `.sync` and `.waitForTaskToken` integrations */
  type?: 'STANDARD' | 'EXPRESS';
}

/**
 * Every problem AWS would report for `definition`, in AWS's order; empty when it is valid.
 * What a ValidateStateMachineDefinition endpoint would list as diagnostics.
 *
 * @example
 * definitionProblems({ StartAt: 'A', States: {} });
 * // [{ code: 'MISSING_TRANSITION_TARGET', message: "Missing 'Next' target: A", location: '/StartAt' }, ...]
 */
export function definitionProblems(definition: unknown, options: ValidateOptions = {}): Problem[] {
  const ctx = new CheckContext(options.type === 'EXPRESS' ? MachineType.Express : MachineType.Standard);
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    return [{ code: ProblemCode.Schema, message: Say.notObject(), location: null }];
  }
  const top = checkDefinitionShape(ctx, definition as JsonValue);
  if (ctx.problems.length > 0 || top === null) return ctx.problems;
  checkGraph(ctx, top);
  return ctx.problems;
}

/**
 * Throws `InvalidDefinition` with AWS's message when AWS would refuse `definition` at
 * CreateStateMachine; returns quietly otherwise.
 *
 * @example
 * validateDefinition({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }); // ok
 * validateDefinition({ StartAt: 'A' });
 * // throws InvalidDefinition: Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'
 */
export function validateDefinition(definition: unknown, options: ValidateOptions = {}): void {
  const problems = definitionProblems(definition, options);
  if (problems.length > 0) throw new InvalidDefinition(formatProblems(problems));
}

/**
 * Parses a definition's text; text that is not JSON throws `InvalidDefinition` with AWS's
 * INVALID_JSON_DESCRIPTION diagnostic (Jackson's message and position). The result is not
 * validated: pass it to `validateDefinition`.
 *
 * @example
 * parseDefinitionText('{"StartAt": "A",}');
 * // throws InvalidDefinition: Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: Unexpected character ('}' (code 125)): was expecting double-quote to start field name
 * //  at [Source: (String)"{"StartAt": "A",}"; line: 1, column: 18]'
 */
export function parseDefinitionText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const problem = findJsonSyntaxProblem(text) ?? { message: String((cause as Error).message), line: 1, column: 1 };
    throw new InvalidDefinition(`Invalid State Machine Definition: '${ProblemCode.InvalidJson}: ${jacksonMessage(text, problem)}'`, { cause });
  }
}
