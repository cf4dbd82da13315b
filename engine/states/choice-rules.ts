/**
 * JSONPath Choice rules, evaluated the way AWS Step Functions evaluates them.
 *
 * What the recorded AWS executions (conformance corpus, `choice_operators__*`) pin down:
 * - A comparison against a value of the wrong type is simply false, never an error
 *   (`NumericEquals` on `"1"`, `BooleanEquals` on `0`, `StringEquals` on `null`, ...).
 * - `IsBoolean`/`IsNull`/`IsString`/... with `false` are the exact negation of the `true` form:
 *   `{"IsBoolean": false}` on `null` is true.
 * - `1` and `1.0` are the same number; `0.0` equals `0`.
 * - Only strings that parse as a date-time with an offset are timestamps: `2012-10-09T19:00:55`
 *   (no offset), `2023-02-24` and `2023-02-24 12:15:56.832957` are not.
 *
 * What comes from AWS error reports rather than the corpus (no recording covers it):
 * - A `Variable` path, or a `...Path` comparison path, that selects nothing fails the state with
 *   `States.Runtime` and the cause {@link ChoiceCause.invalidConditionPath}; only `IsPresent`
 *   tolerates a missing `Variable`.
 * - A `...LessThanPath`/`...GreaterThan(Equals)Path` whose comparison value has the wrong type
 *   fails with {@link ChoiceCause.invalidComparisonValue} (an `...EqualsPath` is just false).
 *
 * Timestamps follow Java's `ISO_OFFSET_DATE_TIME`, the parser whose name AWS quotes when a Wait
 * state's `TimestampPath` is not a timestamp ("ISO-8601 extended offset date-time format").
 */
import { RuntimeError } from '../errors.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.ts';
import { resolvePath, type PathRoots } from '../query/jsonpath/index.ts';

/**
 * The texts AWS puts after "An error occurred while executing the state '<name>' (entered at the
 * event id #<id>). " when a Choice state fails. The interpreter adds that prefix.
 */
export const ChoiceCause = {
  /** a `Variable` or `...Path` that selects nothing */
  invalidConditionPath: (path: string) =>
    `Invalid path '${path}': The choice state's condition path references an invalid value.`,
  /** an ordering `...Path` comparison whose value has the wrong type (text only partly known) */
  invalidComparisonValue: (path: string) => `Invalid value provided at path '${path}'`,
  /** no rule matched and there is no `Default` (AWS raises `States.Runtime`, not `States.NoChoiceMatched`) */
  noNextState: 'Failed to transition out of the state. The state does not point to a next state.',
} as const;

const ValueType = { String: 'String', Numeric: 'Numeric', Boolean: 'Boolean', Timestamp: 'Timestamp' } as const;
type ValueType = (typeof ValueType)[keyof typeof ValueType];

const Relation = {
  Equals: 'Equals',
  LessThan: 'LessThan',
  GreaterThan: 'GreaterThan',
  LessThanEquals: 'LessThanEquals',
  GreaterThanEquals: 'GreaterThanEquals',
} as const;
type Relation = (typeof Relation)[keyof typeof Relation];

type OrderedType = typeof ValueType.String | typeof ValueType.Numeric | typeof ValueType.Timestamp;
type ComparisonName = `${OrderedType}${Relation}` | 'BooleanEquals';
type ComparisonPathName = `${ComparisonName}Path`;
type TypeTestName = 'IsNull' | 'IsPresent' | 'IsNumeric' | 'IsString' | 'IsBoolean' | 'IsTimestamp';

/** Every operator a JSONPath data-test rule can carry, with what it compares. */
type OperatorSpec =
  | { kind: 'compare'; type: ValueType; relation: Relation; operandIsPath: boolean }
  | { kind: 'matches' }
  | { kind: 'typeTest'; test: (value: JsonValue) => boolean }
  | { kind: 'presence' };

const typeTests: Record<Exclude<TypeTestName, 'IsPresent'>, (value: JsonValue) => boolean> = {
  IsNull: (v) => v === null,
  IsNumeric: (v) => typeof v === 'number',
  IsString: (v) => typeof v === 'string',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: (v) => typeof v === 'string' && parseTimestamp(v) !== undefined,
};

function comparisonSpecs(): Record<ComparisonName | ComparisonPathName, OperatorSpec> {
  const specs = {} as Record<ComparisonName | ComparisonPathName, OperatorSpec>;
  const orderedTypes: OrderedType[] = [ValueType.String, ValueType.Numeric, ValueType.Timestamp];
  const add = (name: ComparisonName, type: ValueType, relation: Relation) => {
    specs[name] = { kind: 'compare', type, relation, operandIsPath: false };
    specs[`${name}Path`] = { kind: 'compare', type, relation, operandIsPath: true };
  };
  for (const type of orderedTypes) for (const relation of Object.values(Relation)) add(`${type}${relation}`, type, relation);
  add('BooleanEquals', ValueType.Boolean, Relation.Equals);
  return specs;
}

const operators: Record<ComparisonName | ComparisonPathName | TypeTestName | 'StringMatches', OperatorSpec> = {
  ...comparisonSpecs(),
  StringMatches: { kind: 'matches' },
  IsPresent: { kind: 'presence' },
  IsNull: { kind: 'typeTest', test: typeTests.IsNull },
  IsNumeric: { kind: 'typeTest', test: typeTests.IsNumeric },
  IsString: { kind: 'typeTest', test: typeTests.IsString },
  IsBoolean: { kind: 'typeTest', test: typeTests.IsBoolean },
  IsTimestamp: { kind: 'typeTest', test: typeTests.IsTimestamp },
};
type OperatorName = keyof typeof operators;

function isOperatorName(key: string): key is OperatorName {
  return Object.prototype.hasOwnProperty.call(operators, key);
}

/**
 * Evaluates one JSONPath Choice rule (a data-test expression or an `And`/`Or`/`Not` of them).
 * `And` and `Or` stop at the first deciding rule, so `{"And": [IsPresent, StringEquals]}` guards
 * a possibly missing field, as the AWS docs show.
 *
 * Caveats: the rule is assumed to have passed definition validation (exactly one operator, typed
 * literal operands). JSONata `Condition` rules are not handled here.
 *
 * @throws RuntimeError (`States.Runtime`) when a path the rule reads selects nothing; the cause is
 *   {@link ChoiceCause.invalidConditionPath} and still needs the interpreter's state prefix.
 *
 * @example
 * const roots = { input: { n: 1 }, context: {}, variable: () => undefined };
 * evaluateChoiceRule({ Variable: '$.n', NumericEquals: 1.0 }, roots); // true
 * evaluateChoiceRule({ Variable: '$.n', StringEquals: '1' }, roots); // false: wrong type, no error
 * evaluateChoiceRule({ Variable: '$.x', IsPresent: false }, roots); // true
 * evaluateChoiceRule({ Variable: '$.x', IsNull: true }, roots); // throws States.Runtime
 */
export function evaluateChoiceRule(rule: JsonObject, roots: PathRoots): boolean {
  if (Array.isArray(rule.And)) return rule.And.every((r) => evaluateChoiceRule(asRule(r), roots));
  if (Array.isArray(rule.Or)) return rule.Or.some((r) => evaluateChoiceRule(asRule(r), roots));
  if (rule.Not !== undefined) return !evaluateChoiceRule(asRule(rule.Not), roots);
  return evaluateDataTest(rule, roots);
}

/**
 * The first rule in `Choices` that evaluates to true, or `undefined` when none does (whether or
 * not there is a `Default`). Useful when the matched rule's own fields (`Assign`) matter.
 *
 * @example
 * selectChoiceRule({ Choices: [{ Variable: '$.a', IsNull: true, Next: 'N' }] }, roots)?.Next;
 */
export function selectChoiceRule(state: { Choices: JsonValue[] }, roots: PathRoots): JsonObject | undefined {
  for (const choice of state.Choices) {
    const rule = asRule(choice);
    if (evaluateChoiceRule(rule, roots)) return rule;
  }
  return undefined;
}

/**
 * The state a JSONPath Choice state goes to: the `Next` of the first true rule, else `Default`,
 * else `undefined`. For `undefined` AWS fails the execution with `States.Runtime` and
 * {@link ChoiceCause.noNextState} (prefixed like every state error), not `States.NoChoiceMatched`.
 *
 * @throws RuntimeError as {@link evaluateChoiceRule} does; later rules are then not evaluated.
 *
 * @example
 * const next = selectChoice(state, roots);
 * if (next === undefined) throw new RuntimeError(ChoiceCause.noNextState);
 */
export function selectChoice(state: { Choices: JsonValue[]; Default?: string }, roots: PathRoots): string | undefined {
  const rule = selectChoiceRule(state, roots);
  if (rule !== undefined && typeof rule.Next === 'string') return rule.Next;
  return state.Default;
}

function asRule(value: JsonValue): JsonObject {
  if (!isJsonObject(value)) throw new TypeError(`A Choice rule must be an object, got ${JSON.stringify(value)}`);
  return value;
}

function evaluateDataTest(rule: JsonObject, roots: PathRoots): boolean {
  const name = Object.keys(rule).find(isOperatorName);
  if (name === undefined) throw new TypeError(`Choice rule has no comparison operator: ${JSON.stringify(rule)}`);
  const spec = operators[name];
  const variablePath = String(rule.Variable);
  const variable = resolvePath(variablePath, roots);
  if (spec.kind === 'presence') return variable.found === (rule[name] === true);
  if (!variable.found) throw new RuntimeError(ChoiceCause.invalidConditionPath(variablePath));
  const actual = variable.value;
  switch (spec.kind) {
    case 'typeTest':
      return spec.test(actual) === (rule[name] === true);
    case 'matches':
      return typeof actual === 'string' && typeof rule[name] === 'string' && wildcardMatches(rule[name], actual);
    case 'compare': {
      const expected = spec.operandIsPath ? readOperand(String(rule[name]), spec, roots) : rule[name];
      const a = comparable(spec.type, actual);
      const b = comparable(spec.type, expected);
      return a !== undefined && b !== undefined && relate(spec.relation, a, b);
    }
  }
}

/** The value a `...Path` operator compares against; read even when the Variable has the wrong type. */
function readOperand(path: string, spec: { type: ValueType; relation: Relation }, roots: PathRoots): JsonValue {
  const found = resolvePath(path, roots);
  if (!found.found) throw new RuntimeError(ChoiceCause.invalidConditionPath(path));
  // Equality of different types is just false; ordering needs a value of the operator's type.
  if (spec.relation !== Relation.Equals && comparable(spec.type, found.value) === undefined) {
    throw new RuntimeError(ChoiceCause.invalidComparisonValue(path));
  }
  return found.value;
}

type Comparable = string | number | boolean | bigint;

/** The value in the operator's domain, or undefined when it is of another type. */
function comparable(type: ValueType, value: JsonValue | undefined): Comparable | undefined {
  switch (type) {
    case ValueType.String:
      return typeof value === 'string' ? value : undefined;
    case ValueType.Numeric:
      return typeof value === 'number' ? value : undefined;
    case ValueType.Boolean:
      return typeof value === 'boolean' ? value : undefined;
    case ValueType.Timestamp:
      return typeof value === 'string' ? parseTimestamp(value) : undefined;
  }
}

/** Strings compare by UTF-16 code units, as Java's `String.compareTo` (which AWS documents) does. */
function relate(relation: Relation, a: Comparable, b: Comparable): boolean {
  switch (relation) {
    case Relation.Equals:
      return a === b;
    case Relation.LessThan:
      return a < b;
    case Relation.GreaterThan:
      return a > b;
    case Relation.LessThanEquals:
      return a <= b;
    case Relation.GreaterThanEquals:
      return a >= b;
  }
}

/**
 * `StringMatches`: `*` matches any run of characters (none included); `\*` is a literal star and
 * `\\` a literal backslash; every other character, a lone backslash included, is itself.
 * Runs in O(pattern × text) at worst, never exponential, whatever the number of stars.
 *
 * @example
 * wildcardMatches('log-*.txt', 'log-2024.txt'); // true
 * wildcardMatches('a\\*b', 'a*b'); // true: the JSON "a\\\\*b"
 */
export function wildcardMatches(pattern: string, text: string): boolean {
  const tokens: (string | null)[] = []; // null is the wildcard
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const next = pattern[i + 1];
    if (c === '\\' && (next === '*' || next === '\\')) {
      tokens.push(next);
      i++;
    } else tokens.push(c === '*' ? null : c);
  }
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < tokens.length && tokens[p] !== null && tokens[p] === text[t]) {
      p++;
      t++;
    } else if (p < tokens.length && tokens[p] === null) {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (p < tokens.length && tokens[p] === null) p++;
  return p === tokens.length;
}

// yyyy-MM-ddTHH:mm[:ss[.fffffffff]] then Z or an offset, case-insensitive like Java's ISO parsers;
// the offset may be +HH, +HHMM, +HH:MM, +HHMMss or +HH:MM:ss (lenient offset parsing).
const TIMESTAMP =
  /^(\d{4}|\+\d{5,9}|-\d{4,9})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?:(:?)(\d{2})(?:\11(\d{2}))?)?)$/i;
const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * Nanoseconds since the epoch for a string AWS accepts as a timestamp, else `undefined`.
 * Accepted: `2016-08-18T17:33:00Z`, fractions up to nanoseconds (`.123456789Z`), offsets
 * (`+01:00`, `-0530`, `+01`), seconds left out (`2016-08-18T17:33Z`). Rejected: no offset, date
 * only, a space for `T`, impossible dates (`02-30`) or times (`24:00`), offsets beyond ±18:00.
 *
 * Caveat: lowercase `t`/`z` are accepted, as Java's parser does; the AWS docs say uppercase only.
 *
 * @example
 * parseTimestamp('2012-10-09T20:00:55+01:00') === parseTimestamp('2012-10-09T19:00:55.000Z'); // true
 */
export function parseTimestamp(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', z, sign, oh, , om = '0', os = '0'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetSeconds = 0;
  if (z === undefined) {
    const [ohn, omn, osn] = [Number(oh), Number(om), Number(os)];
    if (ohn > 18 || omn > 59 || osn > 59) return undefined;
    offsetSeconds = ohn * 3600 + omn * 60 + osn;
    if (offsetSeconds > 18 * 3600) return undefined;
    if (sign === '-') offsetSeconds = -offsetSeconds;
  }
  const seconds = BigInt(daysFromCivil(year, month, day)) * 86_400n + BigInt(hour * 3600 + minute * 60 + second - offsetSeconds);
  return seconds * NANOS_PER_SECOND + BigInt(frac.padEnd(9, '0') || '0');
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
