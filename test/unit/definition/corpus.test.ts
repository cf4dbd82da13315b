/**
 * The conformance corpus as the validator's ground truth: every definition AWS refused at
 * CreateStateMachine must be refused, every definition AWS ran must be accepted. Where a
 * recording holds AWS's own message, ours must be that message.
 */
import { describe, it, expect } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidDefinition } from '../../../engine/errors.ts';
import { definitionProblems, formatProblems, parseDefinitionText, validateDefinition } from '../../../engine/definition/validate.ts';

const CORPUS = path.resolve(process.cwd(), '../shared/conformance/corpus');

interface RecordedCase {
  id: string;
  definition: unknown;
  definition_text?: string | null;
  state_machine_type?: 'STANDARD' | 'EXPRESS';
  expected_create_error?: { code: string; message: string };
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
    });
}

function load(kind: 'cases' | 'validation'): RecordedCase[] {
  return jsonFiles(path.join(CORPUS, kind)).map((f) => JSON.parse(readFileSync(f, 'utf8')) as RecordedCase);
}

/** What CreateStateMachine answers: the error, or null when the definition is accepted. */
function create(c: RecordedCase): { name: string; message: string } | null {
  try {
    const definition = c.definition ?? parseDefinitionText(c.definition_text ?? '');
    validateDefinition(definition, { type: c.state_machine_type });
    return null;
  } catch (e) {
    if (e instanceof InvalidDefinition) return { name: e.name, message: e.message };
    throw e;
  }
}

/**
 * AWS's own text, without boto's prefix and with the partition placeholder put back. The Map
 * label recordings hold LocalStack's text (`Error=ValueError ...`), not AWS's: only the
 * rejection counts for them.
 */
function awsMessage(c: RecordedCase): string | null {
  const recorded = c.expected_create_error?.message ?? '';
  const at = recorded.indexOf('Invalid State Machine Definition:');
  return at < 0 ? null : recorded.slice(at).replaceAll('arn:<partition>:', 'arn:aws:');
}

const suite = existsSync(CORPUS) ? describe : describe.skip;

suite(`definition validation against the conformance corpus (${CORPUS})`, () => {
  const refused = existsSync(CORPUS) ? load('validation') : [];
  const ran = existsSync(CORPUS) ? load('cases') : [];

  it(`refuses every definition AWS refused (${refused.length}), with the recorded error name`, () => {
    const accepted = refused.filter((c) => create(c) === null).map((c) => c.id);
    const wrongName = refused.filter((c) => create(c)?.name !== c.expected_create_error?.code).map((c) => c.id);
    process.stdout.write(`definition validation: ${refused.length - accepted.length}/${refused.length} refused definitions refused\n`);
    expect(accepted).toEqual([]);
    expect(wrongName).toEqual([]);
  });

  it("answers with AWS's message wherever the recording holds it", () => {
    const withAwsText = refused.filter((c) => awsMessage(c) !== null);
    const mismatches = withAwsText
      .map((c) => ({ id: c.id, expected: awsMessage(c), actual: create(c)?.message }))
      .filter((m) => m.expected !== m.actual);
    process.stdout.write(`definition validation: ${withAwsText.length - mismatches.length}/${withAwsText.length} AWS messages reproduced exactly\n`);
    expect(mismatches).toEqual([]);
  });

  it(`accepts every definition AWS ran (${ran.length})`, () => {
    const refusedByUs = ran
      .map((c) => ({ id: c.id, problems: definitionProblems(c.definition, { type: c.state_machine_type }) }))
      .filter((r) => r.problems.length > 0)
      .map((r) => `${r.id}: ${formatProblems(r.problems)}`);
    process.stdout.write(`definition validation: ${ran.length - refusedByUs.length}/${ran.length} accepted definitions accepted\n`);
    expect(refusedByUs).toEqual([]);
  });
});
