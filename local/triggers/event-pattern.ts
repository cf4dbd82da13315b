/**
 * EventBridge event patterns: which events a rule takes.
 *
 * A pattern mirrors the event's shape. Each leaf is a list of matchers, any of which may match the
 * event's value (or, when the event holds a list, any element of it): a plain value matches by
 * equality, and the content filters `prefix`, `suffix`, `anything-but`, `numeric`, `exists`,
 * `equals-ignore-case` and `wildcard` match as EventBridge defines them. `$or` takes a list of
 * patterns, any of which may match. A field the pattern does not name is not looked at.
 */
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
// the same wildcards as Step Functions' StringMatches, matched in linear time: a pattern with many
// stars, turned into a backtracking regex, could stall on a long key
import { wildcardMatches } from '../../engine/states/choice-rules.ts';

export type EventPattern = JsonObject;

/** A pattern EventBridge would refuse (PutRule answers InvalidEventPatternException). */
export class InvalidEventPattern extends Error {
  constructor(message: string) {
    super(`Event pattern is not valid. Reason: ${message}`);
    this.name = 'InvalidEventPatternException';
  }
}

const OPERATORS = new Set(['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard']);

/** Throws InvalidEventPattern for what EventBridge refuses. */
export function checkEventPattern(pattern: JsonValue, path = ''): void {
  if (!isJsonObject(pattern)) throw new InvalidEventPattern(`${path || 'the pattern'} must be an object`);
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new InvalidEventPattern(`$or at ${at} must be a list of at least two patterns`);
      for (const p of value) checkEventPattern(p, at);
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPattern(`Empty arrays are not allowed (at ${at})`);
      for (const m of value) {
        if (!isJsonObject(m)) continue;
        const ops = Object.keys(m);
        if (ops.length !== 1 || !OPERATORS.has(ops[0])) throw new InvalidEventPattern(`Unrecognized match type ${ops.join(',')} (at ${at})`);
      }
    } else if (isJsonObject(value)) {
      checkEventPattern(value, at);
    } else {
      throw new InvalidEventPattern(`Match value must be String, number, true, false, or null (at ${at}: use a list)`);
    }
  }
}

/**
 * Whether `event` matches `pattern`.
 *
 * @example
 * matchesEventPattern({ source: ['aws.s3'], detail: { object: { key: [{ prefix: 'in/' }] } } }, event) // true for in/a.csv
 */
export function matchesEventPattern(pattern: EventPattern, event: JsonValue): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(expected as JsonValue[]).some((p) => matchesEventPattern(p as EventPattern, event))) return false;
      continue;
    }
    const present = isJsonObject(event) && Object.prototype.hasOwnProperty.call(event, key);
    const actual = present ? (event as JsonObject)[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchesLeaf(expected, actual)) return false;
    } else if (isJsonObject(expected)) {
      if (actual === undefined) {
        // a nested pattern on an absent field matches only if all it asks is absence
        if (!onlyAbsence(expected)) return false;
      } else if (!matchesEventPattern(expected, actual)) return false;
    }
  }
  return true;
}

function onlyAbsence(pattern: JsonObject): boolean {
  return Object.values(pattern).every((v) =>
    Array.isArray(v) ? v.some((m) => isJsonObject(m) && m.exists === false) : isJsonObject(v) && onlyAbsence(v),
  );
}

function matchesLeaf(matchers: JsonValue[], actual: JsonValue | undefined): boolean {
  if (actual === undefined) return matchers.some((m) => isJsonObject(m) && m.exists === false);
  const values = Array.isArray(actual) ? actual : [actual];
  return matchers.some((m) => {
    if (isJsonObject(m) && 'exists' in m) return m.exists === true;
    return values.some((v) => matchOne(m, v));
  });
}

function matchOne(m: JsonValue, v: JsonValue): boolean {
  if (!isJsonObject(m)) return typeof m === 'number' && typeof v === 'number' ? m === v : m === v;
  const [op, arg] = Object.entries(m)[0];
  switch (op) {
    case 'prefix':
      return typeof v === 'string' && stringTest(arg, v, (a, b) => b.startsWith(a));
    case 'suffix':
      return typeof v === 'string' && stringTest(arg, v, (a, b) => b.endsWith(a));
    case 'equals-ignore-case':
      return typeof v === 'string' && typeof arg === 'string' && v.toLowerCase() === arg.toLowerCase();
    case 'wildcard':
      return typeof v === 'string' && typeof arg === 'string' && wildcardMatches(arg, v);
    case 'numeric':
      return typeof v === 'number' && Array.isArray(arg) && numeric(arg, v);
    case 'anything-but':
      return anythingBut(arg, v);
    default:
      return false;
  }
}

/** `{prefix: "a"}` or `{prefix: {"equals-ignore-case": "a"}}`. */
function stringTest(arg: JsonValue, v: string, test: (a: string, b: string) => boolean): boolean {
  if (typeof arg === 'string') return test(arg, v);
  if (isJsonObject(arg) && typeof arg['equals-ignore-case'] === 'string') return test(arg['equals-ignore-case'].toLowerCase(), v.toLowerCase());
  return false;
}

function anythingBut(arg: JsonValue, v: JsonValue): boolean {
  if (Array.isArray(arg)) return !arg.some((a) => a === v);
  if (isJsonObject(arg)) return !matchOne(arg, v);
  return arg !== v;
}

function numeric(conds: JsonValue[], v: number): boolean {
  for (let i = 0; i + 1 < conds.length; i += 2) {
    const [op, n] = [conds[i], Number(conds[i + 1])];
    const ok = op === '=' ? v === n : op === '<' ? v < n : op === '<=' ? v <= n : op === '>' ? v > n : op === '>=' ? v >= n : false;
    if (!ok) return false;
  }
  return true;
}
