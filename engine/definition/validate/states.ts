/**
 * The shape of a definition: the top level, Parallel branches and Map processors (scopes), and
 * each state in them, field by field.
 */
import type { JsonObject, JsonValue } from '../../json.ts';
import type { StateType } from '../types.ts';
import { child, has, index, MachineType, type CheckContext, type Scope } from './context.ts';
import { checkChoiceRule } from './choice.ts';
import {
  CATCHER_FIELDS,
  COMMON_FIELDS,
  ITEM_BATCHER_FIELDS,
  ITEM_READER_FIELDS,
  Language,
  RESULT_WRITER_FIELDS,
  RETRIER_FIELDS,
  STATE_FIELDS,
  STATE_TYPES,
} from './fields.ts';
import { isJsonataExpression } from './jsonata-check.ts';
import { JsonKind, ProblemCode, Say } from './problems.ts';
import { classifyResource, IntegrationPattern } from './resources.ts';
import {
  checkAssign,
  checkAtMostOne,
  checkInteger,
  checkJsonataValue,
  checkNumber,
  checkPath,
  checkReferencePath,
  checkTemplate,
  isPathOrIntrinsic,
  isTimestamp,
  MAX_SECONDS,
} from './values.ts';

const ScopeKind = { Top: 'top', Branch: 'branch', Processor: 'processor' } as const;
type ScopeKind = (typeof ScopeKind)[keyof typeof ScopeKind];

const SCOPE_FIELDS: Record<ScopeKind, readonly string[]> = {
  top: ['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage'],
  branch: ['StartAt', 'States', 'Comment'],
  processor: ['StartAt', 'States', 'Comment', 'ProcessorConfig'],
};

const MAX_STATE_NAME = 80;
const MAX_LABEL = 40;
/** The characters AWS refuses in names: whitespace, brackets, wildcards, specials and controls. */
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/** Checks the whole definition object; returns the top-level scope (null when there is none). */
export function checkDefinitionShape(ctx: CheckContext, definition: JsonValue): Scope | null {
  return checkScope(ctx, definition, '/', ScopeKind.Top);
}

function checkScope(ctx: CheckContext, value: JsonValue, location: string, kind: ScopeKind): Scope | null {
  if (!ctx.expect(value, JsonKind.Object, location)) return null;
  const scope = value as JsonObject;
  const missing = ['States', 'StartAt'].filter((f) => !has(scope, f));
  if (missing.length > 0) ctx.schema(Say.required(missing), location);
  for (const key of Object.keys(scope)) {
    if (!SCOPE_FIELDS[kind].includes(key)) ctx.schema(Say.notSupported(key), location);
  }
  if (has(scope, 'Comment')) ctx.expect(scope.Comment, JsonKind.String, child(location, 'Comment'));
  if (kind === ScopeKind.Top) checkTopLevel(ctx, scope);
  if (kind === ScopeKind.Processor && has(scope, 'ProcessorConfig')) checkProcessorConfig(ctx, scope.ProcessorConfig, child(location, 'ProcessorConfig'));
  const startAt = has(scope, 'StartAt') && ctx.expect(scope.StartAt, JsonKind.String, child(location, 'StartAt')) ? (scope.StartAt as string) : undefined;
  if (!has(scope, 'States')) return null;
  const statesAt = child(location, 'States');
  if (!ctx.expect(scope.States, JsonKind.Object, statesAt)) return null;
  const states = scope.States as JsonObject;
  const result: Scope = { location, startAt, states, top: kind === ScopeKind.Top, nested: new Map() };
  for (const [name, state] of Object.entries(states)) {
    const at = child(statesAt, name);
    if ([...name].length > MAX_STATE_NAME) ctx.report(ProblemCode.InvalidStateName, Say.stateNameTooLong(name), at);
    result.nested.set(name, checkState(ctx, state, at));
  }
  return result;
}

function checkTopLevel(ctx: CheckContext, scope: JsonObject): void {
  if (has(scope, 'QueryLanguage')) {
    const ql = scope.QueryLanguage;
    if (typeof ql !== 'string') ctx.schema(Say.expectedType(JsonKind.String), '/QueryLanguage');
    else if (ql !== Language.JSONPath && ql !== Language.JSONata) ctx.schema(Say.queryLanguageValues(), '/QueryLanguage');
    // AWS reads anything but the exact string "JSONPath" as JSONata.
    ctx.machineLanguage = ql === Language.JSONPath ? Language.JSONPath : Language.JSONata;
  }
  if (has(scope, 'Version')) ctx.expect(scope.Version, JsonKind.String, '/Version');
  checkInteger(ctx, Language.JSONPath, scope.TimeoutSeconds, 'TimeoutSeconds', '/TimeoutSeconds', 1, MAX_SECONDS);
}

function checkProcessorConfig(ctx: CheckContext, value: JsonValue, location: string): void {
  if (!ctx.expect(value, JsonKind.Object, location)) return;
  const config = value as JsonObject;
  for (const key of Object.keys(config)) {
    if (key !== 'Mode' && key !== 'ExecutionType') ctx.schema(Say.notSupported(key), location);
  }
  checkEnum(ctx, config.Mode, 'Mode', ['INLINE', 'DISTRIBUTED'], child(location, 'Mode'));
  checkEnum(ctx, config.ExecutionType, 'ExecutionType', ['STANDARD', 'EXPRESS'], child(location, 'ExecutionType'));
}

function checkEnum(ctx: CheckContext, value: JsonValue | undefined, field: string, values: readonly string[], location: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !values.includes(value)) ctx.schema(Say.oneOf(field, values), location);
}

/** One state; returns the scopes nested in it (Parallel branches, the Map processor). */
function checkState(ctx: CheckContext, value: JsonValue, location: string): Scope[] {
  if (!ctx.expect(value, JsonKind.Object, location)) return [];
  const state = value as JsonObject;
  if (!has(state, 'Type')) {
    ctx.schema(Say.required(['Type']), location);
    return [];
  }
  if (typeof state.Type !== 'string' || !(STATE_TYPES as readonly string[]).includes(state.Type)) {
    ctx.schema(Say.oneOf('Type', STATE_TYPES), child(location, 'Type'));
    return [];
  }
  const type = state.Type as StateType;

  let language = ctx.machineLanguage;
  let downgraded = false;
  if (has(state, 'QueryLanguage')) {
    const ql = state.QueryLanguage;
    language = ql === Language.JSONPath ? Language.JSONPath : Language.JSONata;
    if (ctx.machineLanguage === Language.JSONata && ql === Language.JSONPath) {
      ctx.schema(Say.jsonPathUnderJsonata(), location);
      downgraded = true;
    }
    if (typeof ql !== 'string') ctx.schema(Say.expectedType(JsonKind.String), child(location, 'QueryLanguage'));
    else if (ql !== Language.JSONPath && ql !== Language.JSONata) ctx.schema(Say.queryLanguageValues(), child(location, 'QueryLanguage'));
  }
  ctx.fields(state, STATE_FIELDS[type], language, location, COMMON_FIELDS, downgraded);
  if (has(state, 'Comment')) ctx.expect(state.Comment, JsonKind.String, child(location, 'Comment'));

  if (type !== 'Choice' && type !== 'Succeed' && type !== 'Fail') checkTransition(ctx, state, location);
  if (type !== 'Fail') {
    if (language === Language.JSONPath) {
      checkPath(ctx, state.InputPath, 'InputPath', child(location, 'InputPath'), true);
      checkPath(ctx, state.OutputPath, 'OutputPath', child(location, 'OutputPath'), true);
    } else {
      checkJsonataValue(ctx, state.Output, child(location, 'Output'));
    }
  }
  if (type !== 'Succeed' && type !== 'Fail') checkAssign(ctx, language, state.Assign, child(location, 'Assign'));
  if (type === 'Pass' || type === 'Task' || type === 'Parallel' || type === 'Map') {
    if (language === Language.JSONPath) {
      checkReferencePath(ctx, state.ResultPath, 'ResultPath', child(location, 'ResultPath'), { nullable: true, inputOnly: true });
      if (type !== 'Map') checkTemplate(ctx, language, state.Parameters, child(location, 'Parameters'));
      if (type !== 'Pass') checkTemplate(ctx, language, state.ResultSelector, child(location, 'ResultSelector'));
    } else if (type === 'Task' || type === 'Parallel') {
      checkArguments(ctx, state.Arguments, child(location, 'Arguments'));
    }
  }
  if (type === 'Task' || type === 'Parallel' || type === 'Map') {
    checkRetry(ctx, state.Retry, child(location, 'Retry'));
    checkCatch(ctx, language, state.Catch, child(location, 'Catch'));
  }

  switch (type) {
    case 'Task':
      checkTask(ctx, state, language, location);
      return [];
    case 'Choice':
      checkChoice(ctx, state, language, location);
      return [];
    case 'Wait':
      checkWait(ctx, state, language, location);
      return [];
    case 'Fail':
      checkFail(ctx, state, language, location);
      return [];
    case 'Parallel':
      return checkParallel(ctx, state, location);
    case 'Map':
      return checkMap(ctx, state, language, location);
    case 'Pass':
    case 'Succeed':
      return [];
  }
}

function checkTransition(ctx: CheckContext, state: JsonObject, location: string): void {
  const hasNext = has(state, 'Next');
  if (hasNext) ctx.expect(state.Next, JsonKind.String, child(location, 'Next'));
  if (has(state, 'End')) ctx.expect(state.End, JsonKind.Boolean, child(location, 'End'));
  const end = state.End === true;
  if (hasNext && end) ctx.schema(Say.atMostOne(['Next', 'End']), location);
  else if (!hasNext && !end) ctx.schema(Say.exactlyOne(['Next', 'End']), location);
}

function checkArguments(ctx: CheckContext, value: JsonValue | undefined, location: string): void {
  if (value === undefined) return;
  if (!isJsonataExpression(value) && !ctx.expect(value, JsonKind.Object, location)) return;
  checkJsonataValue(ctx, value, location);
}

function checkTask(ctx: CheckContext, state: JsonObject, language: Language, location: string): void {
  if (!has(state, 'Resource')) {
    ctx.schema(Say.required(['Resource']), location);
  } else if (ctx.expect(state.Resource, JsonKind.String, child(location, 'Resource'))) {
    checkResource(ctx, state.Resource as string, child(location, 'Resource'));
  }
  checkInteger(ctx, language, state.TimeoutSeconds, 'TimeoutSeconds', child(location, 'TimeoutSeconds'), 1);
  checkInteger(ctx, language, state.HeartbeatSeconds, 'HeartbeatSeconds', child(location, 'HeartbeatSeconds'), 1);
  if (language === Language.JSONata) {
    checkJsonataValue(ctx, state.TimeoutSeconds, child(location, 'TimeoutSeconds'));
    checkJsonataValue(ctx, state.HeartbeatSeconds, child(location, 'HeartbeatSeconds'));
  }
  checkReferencePath(ctx, state.TimeoutSecondsPath, 'TimeoutSecondsPath', child(location, 'TimeoutSecondsPath'));
  checkReferencePath(ctx, state.HeartbeatSecondsPath, 'HeartbeatSecondsPath', child(location, 'HeartbeatSecondsPath'));
  checkAtMostOne(ctx, state, ['TimeoutSeconds', 'TimeoutSecondsPath'], location);
  checkAtMostOne(ctx, state, ['HeartbeatSeconds', 'HeartbeatSecondsPath'], location);
  const t = state.TimeoutSeconds;
  const h = state.HeartbeatSeconds;
  if (typeof t === 'number' && typeof h === 'number' && h >= t) ctx.schema(Say.heartbeatNotBelowTimeout(), child(location, 'HeartbeatSeconds'));
  if (has(state, 'Credentials')) checkCredentials(ctx, state.Credentials, language, child(location, 'Credentials'));
}

function checkResource(ctx: CheckContext, resource: string, location: string): void {
  const r = classifyResource(resource);
  if (r.kind === 'unknown') {
    ctx.schema(Say.unknownResource(resource), location);
    return;
  }
  if (ctx.machineType !== MachineType.Express) return;
  if (r.kind === 'activity') ctx.schema(Say.expressActivity(), location);
  if (r.kind === 'integration' && (r.pattern === IntegrationPattern.Sync || r.pattern === IntegrationPattern.Sync2)) ctx.schema(Say.expressNoSync(), location);
  if (r.kind === 'integration' && r.pattern === IntegrationPattern.Callback) ctx.schema(Say.expressNoCallback(), location);
}

function checkCredentials(ctx: CheckContext, value: JsonValue, language: Language, location: string): void {
  if (!ctx.expect(value, JsonKind.Object, location)) return;
  const credentials = value as JsonObject;
  // AWS reports only the missing RoleArn here, even next to a field it does not know.
  const dynamic = language === Language.JSONPath && has(credentials, 'RoleArn.$');
  if (!has(credentials, 'RoleArn') && !dynamic) {
    ctx.schema(Say.requiredButMissing('RoleArn'), location);
    return;
  }
  if (has(credentials, 'RoleArn') && !isJsonataExpression(credentials.RoleArn)) ctx.expect(credentials.RoleArn, JsonKind.String, child(location, 'RoleArn'));
  if (language === Language.JSONPath) checkTemplate(ctx, language, credentials, location);
}

function checkChoice(ctx: CheckContext, state: JsonObject, language: Language, location: string): void {
  if (has(state, 'Default')) ctx.expect(state.Default, JsonKind.String, child(location, 'Default'));
  if (!has(state, 'Choices')) {
    ctx.schema(Say.required(['Choices']), location);
    return;
  }
  const at = child(location, 'Choices');
  if (!ctx.expect(state.Choices, JsonKind.Array, at)) return;
  const rules = state.Choices as JsonValue[];
  if (rules.length === 0) ctx.schema(Say.emptyArray('Choices'), at);
  rules.forEach((rule, i) => checkChoiceRule(ctx, language, rule, index(at, i), true));
}

function checkWait(ctx: CheckContext, state: JsonObject, language: Language, location: string): void {
  const options = language === Language.JSONPath ? ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'] : ['Seconds', 'Timestamp'];
  const present = options.filter((f) => has(state, f));
  if (present.length !== 1) ctx.schema(Say.exactlyOne(options), location);
  checkInteger(ctx, language, state.Seconds, 'Seconds', child(location, 'Seconds'), 0);
  if (has(state, 'Timestamp')) {
    const at = child(location, 'Timestamp');
    const ts = state.Timestamp;
    if (!(language === Language.JSONata && isJsonataExpression(ts)) && ctx.expect(ts, JsonKind.String, at) && !isTimestamp(ts as string)) {
      ctx.schema(Say.timestamp('Timestamp'), at);
    }
  }
  if (language === Language.JSONPath) {
    checkReferencePath(ctx, state.SecondsPath, 'SecondsPath', child(location, 'SecondsPath'));
    checkReferencePath(ctx, state.TimestampPath, 'TimestampPath', child(location, 'TimestampPath'));
  } else {
    checkJsonataValue(ctx, state.Seconds, child(location, 'Seconds'));
    checkJsonataValue(ctx, state.Timestamp, child(location, 'Timestamp'));
  }
}

function checkFail(ctx: CheckContext, state: JsonObject, language: Language, location: string): void {
  for (const field of ['Error', 'Cause'] as const) {
    if (!has(state, field)) continue;
    const at = child(location, field);
    if (ctx.expect(state[field], JsonKind.String, at) && language === Language.JSONata) checkJsonataValue(ctx, state[field], at);
    if (language === Language.JSONPath) {
      const pathField = `${field}Path`;
      checkAtMostOne(ctx, state, [field, pathField], location);
    }
  }
  if (language !== Language.JSONPath) return;
  for (const field of ['ErrorPath', 'CausePath'] as const) {
    if (!has(state, field)) continue;
    const at = child(location, field);
    if (ctx.expect(state[field], JsonKind.String, at) && !isPathOrIntrinsic(state[field] as string)) ctx.schema(Say.notPathOrIntrinsic(field), at);
  }
}

function checkParallel(ctx: CheckContext, state: JsonObject, location: string): Scope[] {
  if (!has(state, 'Branches')) {
    ctx.schema(Say.required(['Branches']), location);
    return [];
  }
  const at = child(location, 'Branches');
  if (!ctx.expect(state.Branches, JsonKind.Array, at)) return [];
  const branches = state.Branches as JsonValue[];
  if (branches.length === 0) ctx.schema(Say.emptyArray('Branches'), at);
  const scopes: Scope[] = [];
  branches.forEach((branch, i) => {
    const scope = checkScope(ctx, branch, index(at, i), ScopeKind.Branch);
    if (scope) scopes.push(scope);
  });
  return scopes;
}

function checkMap(ctx: CheckContext, state: JsonObject, language: Language, location: string): Scope[] {
  const processors = ['ItemProcessor', 'Iterator'].filter((f) => has(state, f));
  if (processors.length === 0) ctx.schema(Say.required(['ItemProcessor']), location);
  if (processors.length > 1) ctx.schema(Say.atMostOne(processors), location);

  if (language === Language.JSONPath) {
    checkReferencePath(ctx, state.ItemsPath, 'ItemsPath', child(location, 'ItemsPath'));
    checkAtMostOne(ctx, state, ['ItemSelector', 'Parameters'], location);
    checkTemplate(ctx, language, state.ItemSelector, child(location, 'ItemSelector'));
    checkTemplate(ctx, language, state.Parameters, child(location, 'Parameters'));
    checkReferencePath(ctx, state.MaxConcurrencyPath, 'MaxConcurrencyPath', child(location, 'MaxConcurrencyPath'));
    checkReferencePath(ctx, state.ToleratedFailureCountPath, 'ToleratedFailureCountPath', child(location, 'ToleratedFailureCountPath'));
    checkReferencePath(ctx, state.ToleratedFailurePercentagePath, 'ToleratedFailurePercentagePath', child(location, 'ToleratedFailurePercentagePath'));
    checkAtMostOne(ctx, state, ['MaxConcurrency', 'MaxConcurrencyPath'], location);
    checkAtMostOne(ctx, state, ['ToleratedFailureCount', 'ToleratedFailureCountPath'], location);
    checkAtMostOne(ctx, state, ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'], location);
  } else {
    if (has(state, 'Items') && !isJsonataExpression(state.Items)) ctx.expect(state.Items, JsonKind.Array, child(location, 'Items'));
    checkJsonataValue(ctx, state.Items, child(location, 'Items'));
    checkJsonataValue(ctx, state.ItemSelector, child(location, 'ItemSelector'));
    for (const f of ['MaxConcurrency', 'ToleratedFailureCount', 'ToleratedFailurePercentage']) checkJsonataValue(ctx, state[f], child(location, f));
  }
  checkInteger(ctx, language, state.MaxConcurrency, 'MaxConcurrency', child(location, 'MaxConcurrency'), 0);
  checkInteger(ctx, language, state.ToleratedFailureCount, 'ToleratedFailureCount', child(location, 'ToleratedFailureCount'), 0);
  checkNumber(ctx, language, state.ToleratedFailurePercentage, 'ToleratedFailurePercentage', child(location, 'ToleratedFailurePercentage'), 0, 100);
  if (has(state, 'Label')) checkLabel(ctx, state.Label, child(location, 'Label'));
  if (has(state, 'ItemReader')) checkItemReader(ctx, state.ItemReader, language, child(location, 'ItemReader'));
  if (has(state, 'ItemBatcher')) checkItemBatcher(ctx, state.ItemBatcher, language, child(location, 'ItemBatcher'));
  if (has(state, 'ResultWriter')) checkResultWriter(ctx, state.ResultWriter, language, child(location, 'ResultWriter'));

  const field = processors[0];
  if (field === undefined) return [];
  const scope = checkScope(ctx, state[field], child(location, field), ScopeKind.Processor);
  return scope ? [scope] : [];
}

function checkLabel(ctx: CheckContext, value: JsonValue, location: string): void {
  if (!ctx.expect(value, JsonKind.String, location)) return;
  const label = value as string;
  const bad = NAME_FORBIDDEN.exec(label);
  if (bad) ctx.report(ProblemCode.InvalidLabelName, Say.labelInvalidCharacter(bad[0]), location);
  else if ([...label].length > MAX_LABEL) ctx.report(ProblemCode.InvalidLabelName, Say.labelTooLong(), location);
  if (ctx.labels.has(label)) ctx.report(ProblemCode.DuplicateLabelName, Say.duplicateLabel(label), location);
  else ctx.labels.set(label, location);
}

function checkItemReader(ctx: CheckContext, value: JsonValue, language: Language, location: string): void {
  if (!ctx.expect(value, JsonKind.Object, location)) return;
  const reader = value as JsonObject;
  ctx.fields(reader, ITEM_READER_FIELDS, language, location);
  if (!has(reader, 'Resource')) ctx.schema(Say.required(['Resource']), location);
  else ctx.expect(reader.Resource, JsonKind.String, child(location, 'Resource'));
  if (has(reader, 'ReaderConfig')) {
    const at = child(location, 'ReaderConfig');
    if (ctx.expect(reader.ReaderConfig, JsonKind.Object, at)) {
      const config = reader.ReaderConfig as JsonObject;
      checkEnum(ctx, config.InputType, 'InputType', ['MANIFEST', 'JSON', 'CSV', 'JSONL', 'PARQUET'], child(at, 'InputType'));
      checkEnum(ctx, config.CSVHeaderLocation, 'CSVHeaderLocation', ['FIRST_ROW', 'GIVEN'], child(at, 'CSVHeaderLocation'));
      if (language === Language.JSONPath) {
        checkReferencePath(ctx, config.MaxItemsPath, 'MaxItemsPath', child(at, 'MaxItemsPath'));
        checkAtMostOne(ctx, config, ['MaxItems', 'MaxItemsPath'], at);
      } else {
        checkJsonataValue(ctx, config.MaxItems, child(at, 'MaxItems'));
      }
    }
  }
  checkTemplate(ctx, language, language === Language.JSONPath ? reader.Parameters : reader.Arguments, child(location, language === Language.JSONPath ? 'Parameters' : 'Arguments'));
}

function checkItemBatcher(ctx: CheckContext, value: JsonValue, language: Language, location: string): void {
  if (!ctx.expect(value, JsonKind.Object, location)) return;
  const batcher = value as JsonObject;
  ctx.fields(batcher, ITEM_BATCHER_FIELDS, language, location);
  checkInteger(ctx, language, batcher.MaxItemsPerBatch, 'MaxItemsPerBatch', child(location, 'MaxItemsPerBatch'), 1);
  checkInteger(ctx, language, batcher.MaxInputBytesPerBatch, 'MaxInputBytesPerBatch', child(location, 'MaxInputBytesPerBatch'), 1, 262_144);
  checkReferencePath(ctx, batcher.MaxItemsPerBatchPath, 'MaxItemsPerBatchPath', child(location, 'MaxItemsPerBatchPath'));
  checkReferencePath(ctx, batcher.MaxInputBytesPerBatchPath, 'MaxInputBytesPerBatchPath', child(location, 'MaxInputBytesPerBatchPath'));
  checkAtMostOne(ctx, batcher, ['MaxItemsPerBatch', 'MaxItemsPerBatchPath'], location);
  checkAtMostOne(ctx, batcher, ['MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'], location);
  checkTemplate(ctx, language, batcher.BatchInput, child(location, 'BatchInput'));
  if (language === Language.JSONata) {
    checkJsonataValue(ctx, batcher.MaxItemsPerBatch, child(location, 'MaxItemsPerBatch'));
    checkJsonataValue(ctx, batcher.MaxInputBytesPerBatch, child(location, 'MaxInputBytesPerBatch'));
  }
}

function checkResultWriter(ctx: CheckContext, value: JsonValue, language: Language, location: string): void {
  if (!ctx.expect(value, JsonKind.Object, location)) return;
  const writer = value as JsonObject;
  ctx.fields(writer, RESULT_WRITER_FIELDS, language, location);
  if (!has(writer, 'Resource') && !has(writer, 'WriterConfig')) ctx.schema(Say.resultWriterTarget(), location);
  if (has(writer, 'Resource')) ctx.expect(writer.Resource, JsonKind.String, child(location, 'Resource'));
  if (has(writer, 'WriterConfig')) {
    const at = child(location, 'WriterConfig');
    if (ctx.expect(writer.WriterConfig, JsonKind.Object, at)) {
      const config = writer.WriterConfig as JsonObject;
      checkEnum(ctx, config.Transformation, 'Transformation', ['NONE', 'COMPACT', 'FLATTEN'], child(at, 'Transformation'));
      checkEnum(ctx, config.OutputType, 'OutputType', ['JSON', 'JSONL'], child(at, 'OutputType'));
    }
  }
  checkTemplate(ctx, language, language === Language.JSONPath ? writer.Parameters : writer.Arguments, child(location, language === Language.JSONPath ? 'Parameters' : 'Arguments'));
}

const STATES_ALL = 'States.ALL';

/** ErrorEquals: a non-empty list of error names, with States.ALL alone when present. */
function checkErrorEquals(ctx: CheckContext, entry: JsonObject, location: string): boolean {
  if (!has(entry, 'ErrorEquals')) {
    ctx.schema(Say.required(['ErrorEquals']), location);
    return false;
  }
  const at = child(location, 'ErrorEquals');
  if (!ctx.expect(entry.ErrorEquals, JsonKind.Array, at)) return false;
  const names = entry.ErrorEquals as JsonValue[];
  if (names.length === 0) ctx.schema(Say.emptyArray('ErrorEquals'), at);
  names.forEach((n, i) => ctx.expect(n, JsonKind.String, index(at, i)));
  const all = names.includes(STATES_ALL);
  if (all && names.length > 1) ctx.schema(Say.statesAllNotAlone(), at);
  return all;
}

function checkRetry(ctx: CheckContext, value: JsonValue | undefined, location: string): void {
  if (value === undefined) return;
  if (!ctx.expect(value, JsonKind.Array, location)) return;
  const retriers = value as JsonValue[];
  retriers.forEach((r, i) => {
    const at = index(location, i);
    if (!ctx.expect(r, JsonKind.Object, at)) return;
    const retrier = r as JsonObject;
    for (const key of Object.keys(retrier)) {
      if (!(RETRIER_FIELDS as readonly string[]).includes(key)) ctx.schema(Say.notSupported(key), at);
    }
    if (checkErrorEquals(ctx, retrier, at) && i < retriers.length - 1) ctx.schema(Say.statesAllNotLast('Retry'), at);
    checkInteger(ctx, Language.JSONPath, retrier.IntervalSeconds, 'IntervalSeconds', child(at, 'IntervalSeconds'), 1);
    checkInteger(ctx, Language.JSONPath, retrier.MaxAttempts, 'MaxAttempts', child(at, 'MaxAttempts'), 0);
    checkInteger(ctx, Language.JSONPath, retrier.MaxDelaySeconds, 'MaxDelaySeconds', child(at, 'MaxDelaySeconds'), 1);
    checkNumber(ctx, Language.JSONPath, retrier.BackoffRate, 'BackoffRate', child(at, 'BackoffRate'), 1);
    checkEnum(ctx, retrier.JitterStrategy, 'JitterStrategy', ['FULL', 'NONE'], child(at, 'JitterStrategy'));
    if (has(retrier, 'Comment')) ctx.expect(retrier.Comment, JsonKind.String, child(at, 'Comment'));
  });
}

function checkCatch(ctx: CheckContext, language: Language, value: JsonValue | undefined, location: string): void {
  if (value === undefined) return;
  if (!ctx.expect(value, JsonKind.Array, location)) return;
  const catchers = value as JsonValue[];
  catchers.forEach((c, i) => {
    const at = index(location, i);
    if (!ctx.expect(c, JsonKind.Object, at)) return;
    const catcher = c as JsonObject;
    ctx.fields(catcher, CATCHER_FIELDS, language, at);
    if (checkErrorEquals(ctx, catcher, at) && i < catchers.length - 1) ctx.schema(Say.statesAllNotLast('Catch'), at);
    if (!has(catcher, 'Next')) ctx.schema(Say.required(['Next']), at);
    else ctx.expect(catcher.Next, JsonKind.String, child(at, 'Next'));
    if (language === Language.JSONPath) {
      checkReferencePath(ctx, catcher.ResultPath, 'ResultPath', child(at, 'ResultPath'), { nullable: true, inputOnly: true });
    } else {
      checkJsonataValue(ctx, catcher.Output, child(at, 'Output'), true);
    }
    checkAssign(ctx, language, catcher.Assign, child(at, 'Assign'), true);
    if (has(catcher, 'Comment')) ctx.expect(catcher.Comment, JsonKind.String, child(at, 'Comment'));
  });
}
