/**
 * The syntax of intrinsic function calls (`States.Format('{}', $.x)`), checked at creation.
 *
 * This is a syntax check only (the evaluator lives in engine/query/intrinsics/): a known
 * function name, balanced parentheses, and arguments that are string literals, numbers,
 * booleans, null, paths or nested calls. Inside a string literal the only escapes are `\'`,
 * `\{`, `\}` and `\\`; AWS refuses any other (`\"` included), which is what the
 * `test_illegal_escapes` recordings pin.
 */
import { isValidPath } from './jsonpath-syntax.ts';

export const INTRINSIC_NAMES = [
  'States.Format',
  'States.StringToJson',
  'States.JsonToString',
  'States.Array',
  'States.ArrayPartition',
  'States.ArrayContains',
  'States.ArrayRange',
  'States.ArrayGetItem',
  'States.ArrayLength',
  'States.ArrayUnique',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.JsonMerge',
  'States.MathRandom',
  'States.MathAdd',
  'States.StringSplit',
  'States.UUID',
] as const;
const KNOWN = new Set<string>(INTRINSIC_NAMES);

/** True when `text` is meant as an intrinsic call (starts with `States.` and an opening parenthesis). */
export function looksLikeIntrinsic(text: string): boolean {
  return /^States\.[A-Za-z0-9_]+\s*\(/.test(text);
}

/** Why `text` is not a valid intrinsic call, or `null` when it is one. */
export function intrinsicSyntaxError(text: string): string | null {
  const p = new Parser(text);
  try {
    p.call();
    p.space();
    if (!p.atEnd()) return `unexpected '${p.rest()}' after the function call`;
    return null;
  } catch (e) {
    if (e instanceof IntrinsicSyntaxError) return e.message;
    throw e;
  }
}

class IntrinsicSyntaxError extends Error {}

class Parser {
  private readonly s: string;
  private i = 0;

  constructor(s: string) {
    this.s = s;
  }

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  rest(): string {
    return this.s.slice(this.i);
  }

  space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  call(): void {
    const m = /^States\.[A-Za-z0-9_]+/.exec(this.s.slice(this.i));
    if (!m) throw new IntrinsicSyntaxError('expected a function name such as States.Format');
    const name = m[0];
    if (!KNOWN.has(name)) throw new IntrinsicSyntaxError(`unknown function ${name}`);
    this.i += name.length;
    this.space();
    if (this.s[this.i] !== '(') throw new IntrinsicSyntaxError(`expected '(' after ${name}`);
    this.i++;
    this.space();
    if (this.s[this.i] === ')') {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      this.argument();
      this.space();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ')') {
        this.i++;
        return;
      }
      throw new IntrinsicSyntaxError(c === undefined ? `missing ')' in ${name}` : `unexpected '${c}' in the arguments of ${name}`);
    }
  }

  private argument(): void {
    const c = this.s[this.i];
    if (c === "'") return this.stringLiteral();
    if (c === '$') return this.path();
    if (c === undefined) throw new IntrinsicSyntaxError('missing argument');
    const rest = this.s.slice(this.i);
    if (rest.startsWith('States.')) return this.call();
    const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=[\s,)]|$)/.exec(rest);
    if (literal) {
      this.i += literal[0].length;
      return;
    }
    throw new IntrinsicSyntaxError(`invalid argument starting at '${rest.slice(0, 20)}'`);
  }

  private stringLiteral(): void {
    this.i++;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) throw new IntrinsicSyntaxError('unterminated string literal');
      this.i++;
      if (c === "'") return;
      if (c === '\\') {
        const e = this.s[this.i];
        if (e === undefined || !"'{}\\".includes(e)) {
          throw new IntrinsicSyntaxError(`invalid escape sequence '\\${e ?? ''}' in a string literal (only \\', \\{, \\} and \\\\ are allowed)`);
        }
        this.i++;
      }
    }
  }

  /** A path argument runs to the next top-level `,` or `)`; brackets and quotes inside it are kept. */
  private path(): void {
    const start = this.i;
    let depth = 0;
    let quote: string | null = null;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (quote) {
        if (c === '\\') this.i++;
        else if (c === quote) quote = null;
      } else if (c === "'" || c === '"') {
        quote = c;
      } else if (c === '[' || c === '(') {
        depth++;
      } else if (c === ']' || c === ')') {
        if (depth === 0) break;
        depth--;
      } else if ((c === ',' || /\s/.test(c)) && depth === 0) {
        break;
      }
      this.i++;
    }
    const path = this.s.slice(start, this.i);
    if (!isValidPath(path)) throw new IntrinsicSyntaxError(`invalid path ${path}`);
  }
}
