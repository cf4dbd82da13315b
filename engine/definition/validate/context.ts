/**
 * What the checks share while they walk one definition: the problems found so far, the state
 * machine's type and query language, and the state scopes the graph checks run on afterwards.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../json.ts';
import { Language, type FieldSet } from './fields.ts';
import { ProblemCode, Say, JsonKind, type Problem } from './problems.ts';

export const MachineType = { Standard: 'STANDARD', Express: 'EXPRESS' } as const;
export type MachineType = (typeof MachineType)[keyof typeof MachineType];

/** A `States` object with its `StartAt`: the top level, a Parallel branch or a Map processor. */
export interface Scope {
  location: string;
  startAt: string | undefined;
  states: JsonObject;
  top: boolean;
  /** scopes nested in each state of this one, by state name, in document order */
  nested: Map<string, Scope[]>;
}

export class CheckContext {
  readonly problems: Problem[] = [];
  readonly machineType: MachineType;
  machineLanguage: Language = Language.JSONPath;
  readonly labels = new Map<string, string>();

  constructor(machineType: MachineType) {
    this.machineType = machineType;
  }

  report(code: ProblemCode, message: string, location: string | null): void {
    this.problems.push({ code, message, location });
  }

  schema(message: string, location: string | null): void {
    this.report(ProblemCode.Schema, message, location);
  }

  /** Reports `value` unless it is of `kind`; returns whether it is. */
  expect(value: unknown, kind: JsonKind, location: string): boolean {
    if (isKind(value, kind)) return true;
    this.schema(Say.expectedType(kind), location);
    return false;
  }

  /**
   * Reports the fields of `object` that `fields` does not accept in `language`: the other
   * language's fields with AWS's QueryLanguage diagnostic (unless `quietOtherLanguage`), any
   * other field as not supported. Both are located at the object itself.
   */
  fields(object: JsonObject, fields: FieldSet, language: Language, location: string, extra: readonly string[] = [], quietOtherLanguage = false): void {
    const own = language === Language.JSONPath ? fields.jsonPath : fields.jsonata;
    const other = language === Language.JSONPath ? fields.jsonata : fields.jsonPath;
    const otherName = language === Language.JSONPath ? Language.JSONata : Language.JSONPath;
    for (const key of Object.keys(object)) {
      if (extra.includes(key) || fields.both.includes(key) || own.includes(key)) continue;
      if (other.includes(key)) {
        if (!quietOtherLanguage) this.schema(Say.otherLanguageField(language, key, otherName), location);
      } else {
        this.schema(Say.notSupported(key), location);
      }
    }
  }
}

export function isKind(value: unknown, kind: JsonKind): boolean {
  switch (kind) {
    case JsonKind.String:
      return typeof value === 'string';
    case JsonKind.Boolean:
      return typeof value === 'boolean';
    case JsonKind.Integer:
      return typeof value === 'number' && Number.isInteger(value);
    case JsonKind.Number:
      return typeof value === 'number' && Number.isFinite(value);
    case JsonKind.Object:
      return isJsonObject(value as JsonValue);
    case JsonKind.Array:
      return Array.isArray(value);
  }
}

/** `/States/A` under the top level, `/States/M/ItemProcessor/States/B` below it. */
export function child(location: string, key: string): string {
  return location === '/' ? `/${key}` : `${location}/${key}`;
}

export function index(location: string, i: number): string {
  return `${location}[${i}]`;
}

export function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}
