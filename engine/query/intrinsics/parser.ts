/**
 * Parser for intrinsic function calls as written in the `.$` fields of JSONPath states, e.g.
 * `States.Format('Hello {}', States.ArrayGetItem($.names, 0))`.
 *
 * Arguments are string literals in single quotes, numbers, `true`/`false`/`null`, paths (`$...`,
 * `$$...`, `$name...`) and nested calls. Inside a string literal the only escapes are `\'`, `\{`,
 * `\}` and `\\`; AWS rejects any other backslash (`\"`, `\n`) when the state machine is created.
 */
import type { JsonPrimitive } from '../../json.ts';
import { compilePath } from '../jsonpath/index.ts';
import { isIntrinsicName, type IntrinsicName } from './spec.ts';

export type IntrinsicArg =
  | {
      kind: 'literal';
      value: JsonPrimitive;
      /** For string literals: which characters were escaped, so `\{` never opens a placeholder. */
      escaped?: readonly boolean[];
    }
  | { kind: 'path'; path: string }
  | { kind: 'call'; call: IntrinsicCall };

export interface IntrinsicCall {
  name: IntrinsicName;
  args: IntrinsicArg[];
}

/** A malformed intrinsic expression: a definition error, never an execution error. */
export class IntrinsicSyntaxError extends Error {
  readonly expression: string;
  readonly position: number;
  constructor(expression: string, position: number, reason: string) {
    super(`Invalid intrinsic function call '${expression}': ${reason} at position ${position}`);
    this.name = 'IntrinsicSyntaxError';
    this.expression = expression;
    this.position = position;
  }
}

const CALL_START = /^States\.[A-Za-z0-9]+\s*\(/;

/**
 * True when `text` has the shape of an intrinsic call (`States.Name(`), i.e. a `.$` value that is
 * meant as a function rather than a path. It does not validate the rest; `parseIntrinsic` does.
 *
 * @example
 * isIntrinsicExpression("States.Format('{}', $.a)"); // true
 * isIntrinsicExpression('$.a'); // false
 */
export function isIntrinsicExpression(text: string): boolean {
  return typeof text === 'string' && CALL_START.test(text);
}

/**
 * Parses one intrinsic call. Throws {@link IntrinsicSyntaxError} for malformed text or an unknown
 * function name; argument counts and types are checked when the call runs, as AWS does.
 *
 * @example
 * parseIntrinsic('States.MathAdd($.n, -1)');
 * // { name: 'States.MathAdd', args: [{ kind: 'path', path: '$.n' }, { kind: 'literal', value: -1 }] }
 */
export function parseIntrinsic(text: string): IntrinsicCall {
  const p = new Parser(text);
  const call = p.call();
  if (p.pos !== text.length) p.fail('unexpected text after the closing parenthesis');
  return call;
}

const NAME = /States\.[A-Za-z0-9]+/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const ESCAPABLE = new Set(["'", '{', '}', '\\']);

class Parser {
  readonly text: string;
  pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  fail(reason: string, at = this.pos): never {
    throw new IntrinsicSyntaxError(this.text, at, reason);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private match(re: RegExp): string | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }

  call(): IntrinsicCall {
    const start = this.pos;
    const name = this.match(NAME);
    if (name === null) this.fail('expected a function name such as States.Format');
    if (!isIntrinsicName(name)) this.fail(`unknown intrinsic function '${name}'`, start);
    this.skipSpace();
    if (this.text[this.pos] !== '(') this.fail("expected '('");
    this.pos++;
    const args: IntrinsicArg[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return { name, args };
    }
    for (;;) {
      this.skipSpace();
      args.push(this.argument());
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ')') {
        this.pos++;
        return { name, args };
      }
      this.fail(c === undefined ? "missing ')'" : `unexpected '${c}'`);
    }
  }

  private argument(): IntrinsicArg {
    const c = this.text[this.pos];
    if (c === "'") return this.string();
    if (c === '$') return this.path();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const n = this.match(NUMBER);
      if (n === null) this.fail('malformed number');
      return { kind: 'literal', value: Number(n) };
    }
    if (this.text.startsWith('States.', this.pos)) return { kind: 'call', call: this.call() };
    const start = this.pos;
    const word = this.match(WORD);
    if (word === 'true') return { kind: 'literal', value: true };
    if (word === 'false') return { kind: 'literal', value: false };
    if (word === 'null') return { kind: 'literal', value: null };
    return this.fail(c === undefined ? 'missing argument' : 'expected an argument', start);
  }

  private string(): IntrinsicArg {
    const start = this.pos;
    this.pos++;
    let value = '';
    const escaped: boolean[] = [];
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated string literal', start);
      if (c === "'") {
        this.pos++;
        return { kind: 'literal', value, escaped };
      }
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined || !ESCAPABLE.has(next)) this.fail("a backslash may only escape ', {, } or \\");
        value += next;
        escaped.push(true);
        this.pos += 2;
        continue;
      }
      value += c;
      escaped.push(false);
      this.pos++;
    }
  }

  /**
   * A path runs to the first comma, closing parenthesis or space outside brackets; brackets may
   * hold quoted names and filter expressions with their own parentheses and spaces.
   */
  private path(): IntrinsicArg {
    const start = this.pos;
    let depth = 0;
    let quote: string | null = null;
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos];
      if (quote !== null) {
        if (c === '\\') this.pos++;
        else if (c === quote) quote = null;
        continue;
      }
      if (depth > 0 && (c === "'" || c === '"')) quote = c;
      else if (c === '[' || c === '(') depth++;
      else if (c === ']' || c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (c === ',' || /\s/.test(c))) break;
    }
    if (quote !== null || depth > 0) this.fail('unterminated path', start);
    const path = this.text.slice(start, this.pos);
    if (compilePath(path) === null) this.fail(`invalid path '${path}'`, start);
    return { kind: 'path', path };
  }
}
