/**
 * What an EventBridge rule hands its target: the event itself, a constant Input, the part of the
 * event an InputPath selects, or an InputTransformer's template filled from the event.
 *
 * The template is filled as EventBridge fills it: a `<name>` inside a JSON string is replaced by
 * the value's text, one outside a string by the value as JSON; `<aws.events.rule-name>`,
 * `<aws.events.rule-arn>`, `<aws.events.event.ingestion-time>` and `<aws.events.event>` (also
 * `.json`) are predefined. A filled template that is JSON goes as JSON, any other as a string.
 */
import type { JsonValue } from '../../engine/json.ts';

export interface InputTransformer {
  /** placeholder name → a JSON path into the event (`$.detail.bucket.name`) */
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

export interface TargetInputSpec {
  input?: JsonValue;
  inputPath?: string;
  inputTransformer?: InputTransformer;
}

/**
 * The target's input for one event.
 *
 * @example
 * targetInput({ detail: { id: 7 } }, { inputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"job": <id>, "name": "job-<id>"}' } }, { ruleName: 'r', ruleArn: 'arn' });
 * // { job: 7, name: 'job-7' }
 */
export function targetInput(event: JsonValue, spec: TargetInputSpec, rule: { ruleName: string; ruleArn: string; ingestionTime?: string }): JsonValue {
  if (spec.input !== undefined) return spec.input;
  if (spec.inputPath !== undefined) return readPath(event, spec.inputPath) ?? null;
  if (spec.inputTransformer === undefined) return event;
  const values: Record<string, JsonValue> = {
    'aws.events.rule-name': rule.ruleName,
    'aws.events.rule-arn': rule.ruleArn,
    'aws.events.event.ingestion-time': rule.ingestionTime ?? (typeof (event as { time?: unknown })?.time === 'string' ? (event as { time: string }).time : ''),
    'aws.events.event': event,
    'aws.events.event.json': event,
  };
  for (const [name, path] of Object.entries(spec.inputTransformer.InputPathsMap ?? {})) values[name] = readPath(event, path) ?? null;
  const filled = fill(spec.inputTransformer.InputTemplate, values);
  try {
    return JSON.parse(filled) as JsonValue;
  } catch {
    return filled;
  }
}

function fill(template: string, values: Record<string, JsonValue>): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '"' && !escaped(template, i)) inString = !inString;
    if (c === '<') {
      const end = template.indexOf('>', i);
      const name = end < 0 ? undefined : template.slice(i + 1, end);
      if (name !== undefined && Object.prototype.hasOwnProperty.call(values, name)) {
        const v = values[name];
        out += inString ? (typeof v === 'string' ? JSON.stringify(v).slice(1, -1) : JSON.stringify(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')) : JSON.stringify(v);
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function escaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** A simple JSON path (`$`, `$.a.b`, `$.a[0]`, `$['a']`) read from `doc`; undefined when absent. */
function readPath(doc: JsonValue, path: string): JsonValue | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/g)].map((m) => m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]));
  let value: JsonValue | undefined = doc;
  for (const s of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, JsonValue>)[s as string];
  }
  return value;
}
