/**
 * Choice rules. In JSONPath a rule is either one comparison (`Variable` plus exactly one
 * operator) or one of `And`/`Or`/`Not`; only top-level rules carry `Next` (and `Assign`). In
 * JSONata a rule is a `Condition` plus `Next`, with optional `Assign` and `Output`.
 */
import type { JsonObject, JsonValue } from '../../json.ts';
import { child, has, index, type CheckContext } from './context.ts';
import { BOOLEAN_OPERATORS, COMPARISON_OPERATORS, Language } from './fields.ts';
import { isJsonataExpression } from './jsonata-check.ts';
import { JsonKind, Say } from './problems.ts';
import { checkAssign, checkJsonataValue, checkPath, isTimestamp } from './values.ts';

const JSONATA_RULE_FIELDS = ['Condition', 'Output'];

export function checkChoiceRule(ctx: CheckContext, language: Language, rule: JsonValue, location: string, top: boolean): void {
  if (!ctx.expect(rule, JsonKind.Object, location)) return;
  const r = rule as JsonObject;
  if (language === Language.JSONata) checkJsonataRule(ctx, r, location);
  else checkJsonPathRule(ctx, r, location, top);
  if (top) {
    if (!has(r, 'Next')) ctx.schema(Say.required(['Next']), location);
    else ctx.expect(r.Next, JsonKind.String, child(location, 'Next'));
    checkAssign(ctx, language, r.Assign, child(location, 'Assign'));
  }
  if (has(r, 'Comment')) ctx.expect(r.Comment, JsonKind.String, child(location, 'Comment'));
}

function checkJsonataRule(ctx: CheckContext, r: JsonObject, location: string): void {
  for (const key of Object.keys(r)) {
    if (key === 'Condition' || key === 'Next' || key === 'Assign' || key === 'Output' || key === 'Comment') continue;
    if (key === 'Variable' || key in COMPARISON_OPERATORS || (BOOLEAN_OPERATORS as readonly string[]).includes(key)) {
      ctx.schema(Say.otherLanguageField(Language.JSONata, key, Language.JSONPath), location);
    } else {
      ctx.schema(Say.notSupported(key), location);
    }
  }
  if (!has(r, 'Condition')) {
    ctx.schema(Say.required(['Condition']), location);
  } else if (typeof r.Condition !== 'boolean' && !isJsonataExpression(r.Condition)) {
    ctx.schema(Say.expectedType(JsonKind.Boolean), child(location, 'Condition'));
  }
  checkJsonataValue(ctx, r.Condition, child(location, 'Condition'));
  checkJsonataValue(ctx, r.Output, child(location, 'Output'));
}

function checkJsonPathRule(ctx: CheckContext, r: JsonObject, location: string, top: boolean): void {
  const found: string[] = [];
  for (const key of Object.keys(r)) {
    if (key in COMPARISON_OPERATORS || (BOOLEAN_OPERATORS as readonly string[]).includes(key)) {
      found.push(key);
    } else if (key === 'Variable' || key === 'Comment' || (top && (key === 'Next' || key === 'Assign'))) {
      continue;
    } else if (JSONATA_RULE_FIELDS.includes(key)) {
      ctx.schema(Say.otherLanguageField(Language.JSONPath, key, Language.JSONata), location);
    } else {
      ctx.schema(Say.notSupported(key), location);
    }
  }
  if (found.length !== 1) {
    ctx.schema(Say.choiceOperatorCount(found), location);
    return;
  }
  const op = found[0];
  const at = child(location, op);
  if (op === 'And' || op === 'Or') {
    if (has(r, 'Variable')) ctx.schema(Say.notSupported('Variable'), location);
    if (!ctx.expect(r[op], JsonKind.Array, at)) return;
    const rules = r[op] as JsonValue[];
    if (rules.length === 0) ctx.schema(Say.emptyArray(op), at);
    rules.forEach((nested, i) => checkChoiceRule(ctx, Language.JSONPath, nested, index(at, i), false));
    return;
  }
  if (op === 'Not') {
    if (has(r, 'Variable')) ctx.schema(Say.notSupported('Variable'), location);
    checkChoiceRule(ctx, Language.JSONPath, r.Not, at, false);
    return;
  }
  if (!has(r, 'Variable')) ctx.schema(Say.required(['Variable']), location);
  else checkPath(ctx, r.Variable, 'Variable', child(location, 'Variable'));
  const operand = r[op];
  switch (COMPARISON_OPERATORS[op]) {
    case 'string':
      ctx.expect(operand, JsonKind.String, at);
      break;
    case 'number':
      ctx.expect(operand, JsonKind.Number, at);
      break;
    case 'boolean':
      ctx.expect(operand, JsonKind.Boolean, at);
      break;
    case 'timestamp':
      if (ctx.expect(operand, JsonKind.String, at) && !isTimestamp(operand as string)) ctx.schema(Say.timestamp(op), at);
      break;
    case 'path':
      checkPath(ctx, operand, op, at);
      break;
  }
}
