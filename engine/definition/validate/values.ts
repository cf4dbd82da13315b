/**
 * Checks on field values shared by every state type: paths, payload templates, JSONata
 * expressions, variable names, numbers and timestamps.
 */
import type { JsonObject, JsonValue } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import { child, index, type CheckContext } from './context.ts';
import { intrinsicSyntaxError } from './intrinsic-syntax.ts';
import { checkJsonata, isJsonataExpression } from './jsonata-check.ts';
import { isValidPath, isValidReferencePath } from './jsonpath-syntax.ts';
import { JsonKind, ProblemCode, Say } from './problems.ts';
import { Language } from './fields.ts';

/** AWS's ceiling for every "seconds" and count field. */
export const MAX_SECONDS = 99_999_999;

/** A Path field (InputPath, OutputPath, Variable, ...): `null` allowed where `nullable`. */
export function checkPath(ctx: CheckContext, value: JsonValue | undefined, field: string, location: string, nullable = false): void {
  if (value === undefined || (nullable && value === null)) return;
  if (!ctx.expect(value, JsonKind.String, location)) return;
  if (!isValidPath(value)) ctx.schema(Say.notJsonPath(field), location);
}

/** A Reference Path field (ResultPath, ItemsPath, SecondsPath, ...). */
export function checkReferencePath(
  ctx: CheckContext,
  value: JsonValue | undefined,
  field: string,
  location: string,
  options: { nullable?: boolean; inputOnly?: boolean } = {},
): void {
  if (value === undefined || (options.nullable && value === null)) return;
  if (!ctx.expect(value, JsonKind.String, location)) return;
  if (!isValidReferencePath(value, { inputOnly: options.inputOnly })) ctx.schema(Say.notReferencePath(field), location);
}

/** A path or an intrinsic call, as in `x.$` template values and Fail's ErrorPath/CausePath. */
export function isPathOrIntrinsic(value: string): boolean {
  if (value.startsWith('$')) return isValidPath(value);
  if (value.startsWith('States.')) return intrinsicSyntaxError(value) === null;
  return false;
}

/**
 * A JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign, ...): every
 * `name.$` field must hold a path or an intrinsic call. AWS locates the problem at the object
 * that holds the field.
 */
export function checkPayloadTemplate(ctx: CheckContext, value: JsonValue | undefined, location: string): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkPayloadTemplate(ctx, v, index(location, i)));
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (key.endsWith('.$')) {
      if (typeof v !== 'string' || !isPathOrIntrinsic(v)) ctx.schema(Say.notPathOrIntrinsic(key), location);
    } else {
      checkPayloadTemplate(ctx, v, child(location, key));
    }
  }
}

/** Every `{% %}` string in `value`, at any depth, parsed and checked for unsupported references. */
export function checkJsonataValue(ctx: CheckContext, value: JsonValue | undefined, location: string, errorOutputAllowed = false): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJsonataValue(ctx, v, index(location, i), errorOutputAllowed));
    return;
  }
  if (isJsonObject(value)) {
    for (const [key, v] of Object.entries(value)) checkJsonataValue(ctx, v, child(location, key), errorOutputAllowed);
    return;
  }
  if (!isJsonataExpression(value)) return;
  for (const f of checkJsonata(value, { errorOutputAllowed })) {
    if (f.kind === 'syntax') ctx.report(ProblemCode.InvalidJsonata, f.message, location);
    else if (f.kind === 'topLevel') ctx.report(ProblemCode.UnsupportedJsonata, Say.topLevelReference(f.name), location);
    else if (f.kind === 'rootReference') ctx.report(ProblemCode.UnsupportedJsonata, Say.rootReference(), location);
    else ctx.report(ProblemCode.UnsupportedJsonata, Say.errorOutputOutsideCatch(), location);
  }
}

/** A template field in the state's language: a payload template in JSONPath, JSONata expressions otherwise. */
export function checkTemplate(ctx: CheckContext, language: Language, value: JsonValue | undefined, location: string, errorOutputAllowed = false): void {
  if (language === Language.JSONPath) checkPayloadTemplate(ctx, value, location);
  else checkJsonataValue(ctx, value, location, errorOutputAllowed);
}

const VARIABLE_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;
const RESERVED_VARIABLES = new Set(['states']);

/** `Assign`: an object whose keys are variable names (`name.$` in JSONPath) and whose values are templates. */
export function checkAssign(ctx: CheckContext, language: Language, value: JsonValue | undefined, location: string, errorOutputAllowed = false): void {
  if (value === undefined) return;
  if (!ctx.expect(value, JsonKind.Object, location)) return;
  const assign = value as JsonObject;
  for (const key of Object.keys(assign)) {
    const name = language === Language.JSONPath && key.endsWith('.$') ? key.slice(0, -2) : key;
    if (RESERVED_VARIABLES.has(name)) ctx.schema(Say.reservedVariableName(name), location);
    else if (!VARIABLE_NAME.test(name) || [...name].length > 80) ctx.schema(Say.invalidVariableName(name), location);
  }
  checkTemplate(ctx, language, assign, location, errorOutputAllowed);
}

/** An integer field in [min, max]; in JSONata it may also be a `{% %}` expression. */
export function checkInteger(
  ctx: CheckContext,
  language: Language,
  value: JsonValue | undefined,
  field: string,
  location: string,
  min: number,
  max = MAX_SECONDS,
): void {
  if (value === undefined) return;
  if (language === Language.JSONata && isJsonataExpression(value)) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    if (language === Language.JSONata) ctx.schema(Say.integerOrJsonata(field), location);
    else ctx.expect(value, JsonKind.Integer, location);
    return;
  }
  if (value < min || value > max) ctx.schema(Say.intRange(field, min, max), location);
}

/** A number field in [min, max] (ToleratedFailurePercentage, BackoffRate). */
export function checkNumber(
  ctx: CheckContext,
  language: Language,
  value: JsonValue | undefined,
  field: string,
  location: string,
  min: number,
  max?: number,
): void {
  if (value === undefined) return;
  if (language === Language.JSONata && isJsonataExpression(value)) return;
  if (!ctx.expect(value, JsonKind.Number, location)) return;
  const n = value as number;
  if (n < min || (max !== undefined && n > max)) ctx.schema(Say.numberRange(field, min, max), location);
}

/** RFC 3339 as ASL requires it: uppercase T and Z (or a numeric offset), any fraction of a second. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function isTimestamp(value: string): boolean {
  if (!TIMESTAMP.test(value)) return false;
  const [date, time] = value.split('T');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s] = time.slice(0, 8).split(':').map(Number);
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h <= 23 && mi <= 59 && s <= 60;
}

/** Fields that accept one of two spellings (a value or its `Path` twin), never both. */
export function checkAtMostOne(ctx: CheckContext, object: JsonObject, fields: readonly string[], location: string): void {
  const present = fields.filter((f) => Object.prototype.hasOwnProperty.call(object, f));
  if (present.length > 1) ctx.schema(Say.atMostOne(present), location);
}
