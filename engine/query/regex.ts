/**
 * Regular expressions that run in linear time, for the expressions a workflow brings (JSONata's
 * `/.../` literals, JSONPath filters).
 *
 * JavaScript's RegExp backtracks: `/^(a+)+$/` on thirty `a` and a `!` runs for minutes, in one
 * synchronous call that no budget can interrupt. {@link LinearRegExp} has the surface JSONata and
 * JavaScript's string methods use (`exec`, `lastIndex`, `test`, `Symbol.match`/`replace`/`split`/
 * `search`/`matchAll`) over RE2 (the `re2js` port), which matches in time linear in the input.
 *
 * What RE2 refuses that JavaScript accepts: backreferences (`\1`, `\k<name>`), lookahead
 * (`(?=`, `(?!`), lookbehind with a capture inside, repeat counts above 1000 (`a{2000}`) and the
 * sticky flag `y`. Those throw {@link UnsupportedRegex}. `.`, `\s` and `\S` are rewritten to match
 * what they match in JavaScript (RE2's `.` excludes only `\n`, its `\s` is ASCII). Differences
 * left: `\S` inside a class is ASCII; with the `m` flag `^` and `$` see only `\n` as a line end
 * (JavaScript also `\r`, `\u2028`, `\u2029`); case folding is Unicode's; `.` and classes read a
 * surrogate pair as one character. Indexes are UTF-16 offsets, as in JavaScript.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

let re2: typeof RE2JS | undefined;

/**
 * re2js, loaded with the first regular expression: merely loading it slows the engine's hot path
 * by about a tenth (bench loop, a JSONPath workload without any regex), and most workflows never
 * use a regular expression.
 */
function loadRe2(): typeof RE2JS {
  re2 ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS;
  return re2;
}

/** A pattern the linear-time engine cannot run (a backreference, a lookahead, ...). */
export class UnsupportedRegex extends SyntaxError {
  constructor(source: string, reason: string, options?: { cause?: unknown }) {
    super(`The regular expression /${source}/ is not supported: ${reason} (regular expressions run on RE2, which has no backreferences or lookahead)`, options);
    this.name = 'UnsupportedRegex';
  }
}

interface Compiled {
  re: RE2JS;
  groupCount: number;
  /** group number by name, `undefined` when the pattern names none */
  names: Record<string, number> | undefined;
}

const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 1_000;

function compile(source: string, flags: string): Compiled {
  const key = `${flags}/${source}`;
  let c = cache.get(key);
  if (c !== undefined) return c;
  if (flags.includes('y')) throw new UnsupportedRegex(source, 'the sticky flag y');
  const plainFlags = flags.replace(/[gdy]/g, '');
  // the RegExp constructor's own SyntaxError for what is not a regular expression at all
  let native = new RegExp(source, plainFlags);
  try {
    native = new RegExp(asInJavaScript(source, flags.includes('s')), plainFlags);
  } catch {
    // a \s at a range's end inside a class (`[a-\s]`): RE2's ASCII \s, rather than no match at all
  }
  let re: RE2JS;
  try {
    // translateRegExp turns JavaScript-only syntax into RE2's ((?<n> to (?P<n>, \u{..}, flags i/m/s)
    const RE2 = loadRe2();
    re = RE2.compile(RE2.translateRegExp(native), RE2.LOOKBEHINDS);
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    throw new UnsupportedRegex(source, message, { cause: error });
  }
  const names = re.namedGroups() as Record<string, number>;
  c = { re, groupCount: re.groupCount(), names: Object.keys(names).length > 0 ? { ...names } : undefined };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, c);
  return c;
}

/** What `\s` matches in JavaScript: RE2's `\s` is only `[\t\n\f\r ]`. */
const JS_SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** What `.` matches in JavaScript without the `s` flag: RE2's `.` excludes only `\n`. */
const JS_DOT = '[^\\n\\r\\u2028\\u2029]';

/** `source` with `.`, `\s` and `\S` spelt out as the sets JavaScript gives them. */
function asInJavaScript(source: string, dotAll: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (next === 's' && inClass) {
        out += JS_SPACE;
        // `[\s-z]` is \s, '-' and 'z' in JavaScript: keep the '-' from closing a range on the last space
        if (source[i + 1] === '-') {
          out += '\\-';
          i++;
        }
      } else if (next === 's') out += `[${JS_SPACE}]`;
      else if (next === 'S' && !inClass) out += `[^${JS_SPACE}]`;
      else out += c + next;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '.' && !dotAll) {
      out += JS_DOT;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * A RegExp look-alike that cannot backtrack. Construct it as a RegExp (`new LinearRegExp('a+', 'gi')`,
 * or from a RegExp); it throws {@link UnsupportedRegex} for what RE2 cannot run, and the RegExp
 * constructor's SyntaxError for what is not a regular expression at all.
 *
 * @example
 * const re = new LinearRegExp(/^(a+)+$/g);
 * re.exec('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'); // null, at once
 * 'a1b2'.replace(new LinearRegExp('\\d', 'g'), '#'); // 'a#b#'
 */
export class LinearRegExp {
  readonly source: string;
  readonly flags: string;
  lastIndex = 0;
  private readonly compiled: Compiled;
  /** the matcher of the last input: JSONata's `next()` searches the same string again and again */
  private matcher: { input: string; matcher: ReturnType<RE2JS['matcher']> } | undefined;

  constructor(pattern: string | RegExp | LinearRegExp, flags?: string) {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    this.source = source === '' ? '(?:)' : source;
    this.compiled = compile(this.source, this.flags);
  }

  get global(): boolean {
    return this.flags.includes('g');
  }

  get ignoreCase(): boolean {
    return this.flags.includes('i');
  }

  get multiline(): boolean {
    return this.flags.includes('m');
  }

  /** As RegExp.prototype.exec: from `lastIndex` when global, which then moves past the match. */
  exec(input: string): RegExpExecArray | null {
    const str = String(input);
    const from = this.global ? this.lastIndex : 0;
    const found = from <= str.length ? this.matchAt(str, from) : null;
    if (this.global) this.lastIndex = found === null ? 0 : found.index + found[0].length;
    return found;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }

  toString(): string {
    return `/${this.source}/${this.flags}`;
  }

  [Symbol.match](input: string): RegExpMatchArray | null {
    const str = String(input);
    if (!this.global) return this.matchAt(str, 0);
    const all = [...this.matches(str)].map((m) => m[0]);
    return all.length === 0 ? null : (all as RegExpMatchArray);
  }

  *[Symbol.matchAll](input: string): IterableIterator<RegExpExecArray> {
    yield* this.matches(String(input), this.lastIndex);
  }

  [Symbol.search](input: string): number {
    return this.matchAt(String(input), 0)?.index ?? -1;
  }

  /** As String.prototype.replace: `$&`, `` $` ``, `$'`, `$1`..`$99`, `$<name>`, `$$`, or a function. */
  [Symbol.replace](input: string, replacement: string | ((substring: string, ...args: unknown[]) => string)): string {
    const str = String(input);
    const found = this.global ? [...this.matches(str)] : [this.matchAt(str, 0)].filter((m) => m !== null);
    if (this.global) this.lastIndex = 0;
    let out = '';
    let position = 0;
    for (const m of found) {
      out += str.slice(position, m.index);
      if (typeof replacement === 'function') {
        const args: unknown[] = [m[0], ...m.slice(1), m.index, str];
        if (m.groups !== undefined) args.push(m.groups);
        out += String(replacement(...(args as [string, ...unknown[]])));
      } else {
        out += substitute(String(replacement), m, str);
      }
      position = m.index + m[0].length;
    }
    return out + str.slice(position);
  }

  /** As String.prototype.split: captured groups are spliced into the result. */
  [Symbol.split](input: string, limit?: number): string[] {
    const str = String(input);
    const max = limit === undefined ? 2 ** 32 - 1 : limit >>> 0;
    const out: string[] = [];
    if (max === 0) return out;
    if (str.length === 0) return this.matchAt(str, 0)?.[0] === '' ? out : [str];
    let p = 0;
    let q = 0;
    while (q < str.length) {
      const m = this.matchAt(str, q);
      if (m === null || m.index >= str.length) break;
      const e = m.index + m[0].length;
      if (e === p || (m[0] === '' && m.index === p)) {
        q = m.index + 1;
        continue;
      }
      out.push(str.slice(p, m.index));
      if (out.length === max) return out;
      for (let i = 1; i < m.length; i++) {
        out.push(m[i] as string);
        if (out.length === max) return out;
      }
      p = e;
      q = p === m.index ? p + 1 : p;
    }
    out.push(str.slice(p));
    return out;
  }

  /** Every match from `from` on; an empty match moves on by one, as JavaScript's global loops do. */
  private *matches(str: string, from = 0): Generator<RegExpExecArray> {
    let at = from;
    while (at <= str.length) {
      const m = this.matchAt(str, at);
      if (m === null) return;
      yield m;
      at = m[0] === '' ? m.index + 1 : m.index + m[0].length;
    }
  }

  /** The first match starting at or after `from`, shaped as RegExp.prototype.exec returns it. */
  private matchAt(str: string, from: number): RegExpExecArray | null {
    const { re, groupCount, names } = this.compiled;
    if (this.matcher?.input !== str) this.matcher = { input: str, matcher: re.matcher(str) };
    const matcher = this.matcher.matcher;
    if (!matcher.find(from)) return null;
    const result = [] as unknown as RegExpExecArray;
    for (let i = 0; i <= groupCount; i++) result.push((matcher.group(i) as string | null) ?? (undefined as unknown as string));
    result.index = matcher.start();
    result.input = str;
    if (names !== undefined) {
      const groups: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [name, n] of Object.entries(names)) groups[name] = result[n];
      result.groups = groups;
    }
    return result;
  }
}

/** String.prototype.replace's GetSubstitution. */
function substitute(replacement: string, m: RegExpExecArray, str: string): string {
  const captures = m.length - 1;
  return replacement.replace(/\$(\$|&|`|'|\d{1,2}|<([^>]*)>)/g, (token: string, what: string, name: string | undefined) => {
    if (what === '$') return '$';
    if (what === '&') return m[0];
    if (what === '`') return str.slice(0, m.index);
    if (what === "'") return str.slice(m.index + m[0].length);
    if (name !== undefined) return m.groups === undefined ? token : (m.groups[name] ?? '');
    const two = Number(what);
    if (what.length === 2 && two >= 1 && two <= captures) return m[two] ?? '';
    const one = Number(what[0]);
    if (one >= 1 && one <= captures) return (m[one] ?? '') + what.slice(1);
    return token;
  });
}
