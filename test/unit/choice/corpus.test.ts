/**
 * Replays every recorded `choice_operators` execution through the rule evaluator alone.
 *
 * Each recording is a Choice state routing to End states; the recorded output (or error) tells
 * which target AWS took. A case counts when exactly one target would have produced that output.
 */
import { describe, it, expect } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ExecutionError } from '../../../engine/errors.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../engine/json.ts';
import { selectChoice } from '../../../engine/states/choice-rules.ts';

const corpus = path.resolve(process.cwd(), '../shared/conformance/corpus');

interface Recording {
  id: string;
  definition: JsonObject;
  input: JsonValue;
  expected: { status: string; output: JsonValue; error: string | null; cause: string | null };
}

/** What AWS did: went to a state, or failed with an error. */
type Verdict = { next: string } | { error: string; cause: string | null };

function loadRecordings(): Recording[] {
  const cases = path.join(corpus, 'cases');
  return readdirSync(cases)
    .filter((dir) => dir.startsWith('choice_operators__'))
    .flatMap((dir) =>
      readdirSync(path.join(cases, dir))
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(path.join(cases, dir, f), 'utf8')) as Recording),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The output an End state would produce from `input`, or undefined when it cannot be told simply. */
function outputOf(state: JsonObject | undefined, input: JsonValue): JsonValue | undefined {
  if (!state || state.End !== true) return undefined;
  if (state.Type === 'Succeed') return input;
  if (state.Type !== 'Pass') return undefined;
  if (['InputPath', 'Parameters', 'ResultPath', 'OutputPath', 'ResultSelector'].some((k) => k in state)) return undefined;
  return 'Result' in state ? state.Result : input;
}

/** Which target AWS took, when the recording shows it unambiguously. */
function recordedVerdict(recording: Recording, choice: JsonObject): Verdict | undefined {
  const { expected } = recording;
  if (expected.status === 'FAILED' && expected.error !== null) return { error: expected.error, cause: expected.cause };
  if (expected.status !== 'SUCCEEDED') return undefined;
  const states = recording.definition.States as Record<string, JsonObject>;
  const targets = new Set<string>((choice.Choices as JsonObject[]).map((r) => String(r.Next)));
  if (typeof choice.Default === 'string') targets.add(choice.Default);
  const producing = [...targets].filter((t) => {
    const out = outputOf(states[t], recording.input);
    return out !== undefined && JSON.stringify(out) === JSON.stringify(expected.output);
  });
  if (producing.length !== 1) return undefined;
  const distinct = new Set([...targets].map((t) => JSON.stringify(outputOf(states[t], recording.input))));
  return distinct.size === targets.size ? { next: producing[0] } : undefined;
}

/** What our evaluator does, with AWS's state-error prefix and no-next-state failure added. */
function ourVerdict(recording: Recording, name: string, choice: JsonObject): Verdict {
  const input = recording.input ?? {};
  const roots = { input, context: { Execution: { Input: input } }, variable: () => undefined };
  const prefix = `An error occurred while executing the state '${name}' (entered at the event id #2). `;
  try {
    const next = selectChoice({ Choices: choice.Choices as JsonValue[], Default: choice.Default as string | undefined }, roots);
    if (next === undefined) {
      return { error: 'States.Runtime', cause: prefix + 'Failed to transition out of the state. The state does not point to a next state.' };
    }
    return { next };
  } catch (e) {
    if (e instanceof ExecutionError) return { error: e.error, cause: prefix + (e.causeText ?? '') };
    throw e;
  }
}

const describeCorpus = existsSync(corpus) ? describe : describe.skip;
if (!existsSync(corpus)) {
  console.warn(`choice corpus tests skipped: no conformance corpus at ${corpus}`);
}

describeCorpus('recorded choice_operators executions', () => {
  const recordings = existsSync(corpus) ? loadRecordings() : [];
  const judged = recordings.flatMap((recording) => {
    const [name, choice] = Object.entries(recording.definition.States as Record<string, JsonObject>).find(
      ([, s]) => isJsonObject(s) && s.Type === 'Choice',
    ) ?? [undefined, undefined];
    if (!name || !choice || 'InputPath' in choice) return [];
    const verdict = recordedVerdict(recording, choice);
    return verdict ? [{ id: recording.id, recording, name, choice, verdict }] : [];
  });

  it('can tell the branch AWS took for every recording', () => {
    expect(recordings.length).toBe(319);
    expect(judged.length).toBe(recordings.length);
  });

  it.each(judged.map((j) => [j.id, j] as const))('%s takes the recorded branch', (_id, { recording, name, choice, verdict }) => {
    expect(ourVerdict(recording, name, choice)).toEqual(verdict);
  });
});
