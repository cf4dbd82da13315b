/**
 * JSONPath compiled as Jayway JsonPath compiles it: Step Functions reads every JSONPath field with
 * Jayway, so what it accepts and how it reads a path is Jayway's grammar, not Goessner's nor
 * RFC 9535's (Jayway takes `$.a.['b c']`, `[?(@.x =~ /re/i)]`, `in`, `subsetof`, `.length()`...,
 * which no JavaScript JSONPath library parses).
 *
 * This is a port of Jayway's tokenizer, kept rule for rule so that a path compiles here exactly
 * when it compiles there (json-path/JsonPath at 3.0.0):
 * - `internal/path/PathCompiler.java` (tokens: `.`/`..`, names and functions, `['a','b']`,
 *   `[1,2]` and `[1:2]`, `[*]`, `[?(...)]`, `[?]` placeholders),
 * - `internal/filter/FilterCompiler.java` (filter expressions: `||`, `&&`, `!`, parentheses,
 *   relational operators, literals, `/regex/flags`, nested `$` and `@` paths),
 * - `internal/CharacterIndex.java` (the scanner both use: only a space counts as a blank),
 * - `ArrayIndexOperation`, `ArraySliceOperation`, `RelationalOperator`, `PatternFlag`, `Utils.unescape`.
 * Where Jayway fails with an unchecked Java exception (an index out of bounds, a number that does
 * not parse) the port throws {@link JavaFailure}, because Jayway's filter compiler catches only
 * `InvalidPathException` on its way and the difference decides what compiles.
 */

/** Jayway's `InvalidPathException`. */
export class InvalidPathError extends Error {
  override name = 'InvalidPathException';
}

/** An unchecked Java exception (StringIndexOutOfBounds, NumberFormat) inside Jayway's compiler. */
class JavaFailure extends Error {}

export type PathToken =
  | { kind: 'property'; names: string[] }
  | { kind: 'index'; indexes: number[] }
  | { kind: 'slice'; from: number | null; to: number | null }
  | { kind: 'wildcard' }
  | { kind: 'scan' }
  | { kind: 'filter'; predicate: FilterExpression }
  | { kind: 'function'; name: string; params: FunctionParameter[] };

export type FunctionParameter = { kind: 'path'; path: CompiledJsonPath } | { kind: 'json'; text: string };

export interface CompiledJsonPath {
  /** `$` (the document) or `@` (the item a filter is looking at) */
  root: '$' | '@';
  tokens: PathToken[];
}

export const RelationalOperator = {
  GTE: '>=',
  LTE: '<=',
  EQ: '==',
  TSEQ: '===',
  NE: '!=',
  TSNE: '!==',
  LT: '<',
  GT: '>',
  REGEX: '=~',
  NIN: 'NIN',
  IN: 'IN',
  CONTAINS: 'CONTAINS',
  ALL: 'ALL',
  SIZE: 'SIZE',
  EXISTS: 'EXISTS',
  TYPE: 'TYPE',
  MATCHES: 'MATCHES',
  EMPTY: 'EMPTY',
  SUBSETOF: 'SUBSETOF',
  ANYOF: 'ANYOF',
  NONEOF: 'NONEOF',
} as const;
export type RelationalOperator = (typeof RelationalOperator)[keyof typeof RelationalOperator];
const OPERATORS = new Set<string>(Object.values(RelationalOperator));

export type FilterValue =
  | { kind: 'path'; path: CompiledJsonPath; existsCheck: boolean; shouldExist: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'json'; text: string }
  | { kind: 'pattern'; source: string; flags: string };

export type FilterExpression =
  | { kind: 'or'; operands: FilterExpression[] }
  | { kind: 'and'; operands: FilterExpression[] }
  | { kind: 'not'; operand: FilterExpression }
  | { kind: 'relation'; left: FilterValue; operator: RelationalOperator; right: FilterValue };

/**
 * Compiles `path` as Jayway's `PathCompiler.compile` does; throws {@link InvalidPathError} for a
 * path Jayway refuses. A path that starts with neither `$` nor `@` is read as `$.` + path.
 *
 * @example
 * compileJsonPath("$.abc.['def ghi']").tokens // [{ kind: 'property', names: ['abc'] }, { kind: 'property', names: ['def ghi'] }]
 * compileJsonPath('$..book[?(@.price < $.expensive)]') // scan, book, filter
 */
export function compileJsonPath(path: string): CompiledJsonPath {
  try {
    let ci = new CharacterIndex(path);
    ci.trim();
    if (ci.charAt(0) !== '$' && ci.charAt(0) !== '@') {
      ci = new CharacterIndex('$.' + path);
      ci.trim();
    }
    if (ci.lastCharIs('.')) throw new InvalidPathError("Path must not end with a '.' or '..'");
    return new PathCompiler(ci).compile();
  } catch (e) {
    if (e instanceof InvalidPathError) throw e;
    throw new InvalidPathError(e instanceof Error ? e.message : String(e));
  }
}

/** True when every token selects at most one node: Jayway's `Path.isDefinite()`. */
export function isDefinite(path: CompiledJsonPath): boolean {
  return path.tokens.every((t, i) => tokenIsDefinite(t, i === path.tokens.length - 1));
}

function tokenIsDefinite(t: PathToken, leaf: boolean): boolean {
  switch (t.kind) {
    case 'property':
      return t.names.length === 1 || leaf;
    case 'index':
      return t.indexes.length === 1;
    case 'function':
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// CharacterIndex.java

const SPACE = ' ';

class CharacterIndex {
  readonly text: string;
  private pos = 0;
  private end: number;

  constructor(text: string) {
    this.text = text;
    this.end = text.length - 1;
  }

  length(): number {
    return this.end + 1;
  }

  /** Java's `CharSequence.charAt`: out of the string, an unchecked exception. */
  charAt(i: number): string {
    if (i < 0 || i >= this.text.length) throw new JavaFailure(`String index out of range: ${i}`);
    return this.text[i];
  }

  currentChar(): string {
    return this.charAt(this.pos);
  }

  currentCharIs(c: string): boolean {
    return this.charAt(this.pos) === c;
  }

  lastCharIs(c: string): boolean {
    return this.charAt(this.end) === c;
  }

  nextCharIs(c: string): boolean {
    return this.inBounds(this.pos + 1) && this.charAt(this.pos + 1) === c;
  }

  incrementPosition(n: number): number {
    return this.setPosition(this.pos + n);
  }

  decrementEndPosition(n: number): number {
    this.end -= n;
    return this.end;
  }

  setPosition(p: number): number {
    this.pos = p;
    return p;
  }

  position(): number {
    return this.pos;
  }

  indexOfMatchingCloseChar(start: number, open: string, close: string, skipStrings: boolean, skipRegex: boolean): number {
    if (this.charAt(start) !== open) throw new InvalidPathError(`Expected ${open} but found ${this.charAt(start)}`);
    let opened = 1;
    let i = start + 1;
    while (this.inBounds(i)) {
      if (skipStrings) {
        const q = this.charAt(i);
        if (q === "'" || q === '"') {
          i = this.nextIndexOfUnescapedFrom(i, q);
          if (i === -1) throw new InvalidPathError(`Could not find matching close quote for ${q} when parsing : ${this.text}`);
          i++;
        }
      }
      if (skipRegex) {
        if (this.charAt(i) === '/') {
          i = this.nextIndexOfUnescapedFrom(i, '/');
          if (i === -1) throw new InvalidPathError(`Could not find matching close for / when parsing regex in : ${this.text}`);
          i++;
        }
      }
      if (this.charAt(i) === open) opened++;
      if (this.charAt(i) === close) {
        opened--;
        if (opened === 0) return i;
      }
      i++;
    }
    return -1;
  }

  indexOfClosingBracket(start: number, skipStrings: boolean, skipRegex: boolean): number {
    return this.indexOfMatchingCloseChar(start, '(', ')', skipStrings, skipRegex);
  }

  indexOfNextSignificantChar(c: string, start = this.pos): number {
    let i = start + 1;
    while (!this.isOutOfBounds(i) && this.charAt(i) === SPACE) i++;
    return this.charAt(i) === c ? i : -1;
  }

  nextIndexOf(start: number, c: string): number {
    for (let i = start; !this.isOutOfBounds(i); i++) if (this.charAt(i) === c) return i;
    return -1;
  }

  nextIndexOfUnescaped(c: string): number {
    return this.nextIndexOfUnescapedFrom(this.pos, c);
  }

  nextIndexOfUnescapedFrom(start: number, c: string): number {
    let escape = false;
    for (let i = start + 1; !this.isOutOfBounds(i); i++) {
      if (escape) escape = false;
      else if (this.charAt(i) === '\\') escape = true;
      else if (this.charAt(i) === c) return i;
    }
    return -1;
  }

  nextSignificantCharIs(c: string, start = this.pos): boolean {
    let i = start + 1;
    while (!this.isOutOfBounds(i) && this.charAt(i) === SPACE) i++;
    return !this.isOutOfBounds(i) && this.charAt(i) === c;
  }

  nextSignificantChar(start = this.pos): string {
    let i = start + 1;
    while (!this.isOutOfBounds(i) && this.charAt(i) === SPACE) i++;
    return this.isOutOfBounds(i) ? ' ' : this.charAt(i);
  }

  readSignificantChar(c: string): void {
    if (this.skipBlanks().currentChar() !== c) throw new InvalidPathError(`Expected character: ${c}`);
    this.incrementPosition(1);
  }

  hasSignificantSubSequence(s: string): boolean {
    this.skipBlanks();
    if (!this.inBounds(this.pos + s.length - 1)) return false;
    if (this.text.slice(this.pos, this.pos + s.length) !== s) return false;
    this.incrementPosition(s.length);
    return true;
  }

  indexOfPreviousSignificantChar(start = this.pos): number {
    let i = start - 1;
    while (!this.isOutOfBounds(i) && this.charAt(i) === SPACE) i--;
    return this.isOutOfBounds(i) ? -1 : i;
  }

  previousSignificantChar(): string {
    const i = this.indexOfPreviousSignificantChar();
    return i === -1 ? ' ' : this.charAt(i);
  }

  currentIsTail(): boolean {
    return this.pos >= this.end;
  }

  hasMoreCharacters(): boolean {
    return this.inBounds(this.pos + 1);
  }

  inBounds(i = this.pos): boolean {
    return i >= 0 && i <= this.end;
  }

  isOutOfBounds(i: number): boolean {
    return !this.inBounds(i);
  }

  subSequence(start: number, end: number): string {
    if (start < 0 || end > this.text.length || start > end) throw new JavaFailure(`begin ${start}, end ${end}, length ${this.text.length}`);
    return this.text.slice(start, end);
  }

  isNumberCharacter(i: number): boolean {
    const c = this.charAt(i);
    return isDigit(c) || c === '-' || c === '.' || c === 'E' || c === 'e';
  }

  skipBlanks(): this {
    while (this.inBounds() && this.pos < this.end && this.currentChar() === SPACE) this.incrementPosition(1);
    return this;
  }

  trim(): this {
    this.skipBlanks();
    while (this.inBounds() && this.pos < this.end && this.lastCharIs(SPACE)) this.decrementEndPosition(1);
    return this;
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Java's `String.trim()`: every character up to U+0020 at both ends. */
function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

/** Java's `Integer.parseInt` over the characters Jayway has already let through (digits and '-'). */
function parseJavaInt(s: string): number {
  if (!/^-?\d+$/.test(s)) throw new JavaFailure(`For input string: "${s}"`);
  const n = Number(s);
  if (n > 2147483647 || n < -2147483648) throw new JavaFailure(`For input string: "${s}"`);
  return n;
}

/** Java's `String.split(regex)`: trailing empty strings removed. */
function javaSplit(s: string, separator: string | RegExp): string[] {
  const parts = s.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length === 0 && s.length === 0 ? [''] : parts;
}

/** Utils.unescape: `\\`, `\'`, `\"`, `\r`, `\f`, `\t`, `\n`, `\b`, `\uXXXX`; any other escaped character stands for itself. */
export function unescape(s: string): string {
  let out = '';
  let slash = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (slash) {
      slash = false;
      if (ch === 'u') {
        const hex = s.slice(i + 1, i + 5);
        if (hex.length === 4) {
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw new JavaFailure(`Unable to parse unicode value: ${hex}`);
          out += String.fromCharCode(parseInt(hex, 16));
        }
        i += 4;
        continue;
      }
      out += ({ r: '\r', f: '\f', t: '\t', n: '\n', b: '\b' } as Record<string, string>)[ch] ?? ch;
      continue;
    }
    if (ch === '\\') slash = true;
    else out += ch;
  }
  if (slash) out += '\\';
  return out;
}

// ---------------------------------------------------------------------------------------------
// PathCompiler.java

function fail(message: string): never {
  throw new InvalidPathError(message);
}

class PathCompiler {
  private readonly path: CharacterIndex;
  private readonly tokens: PathToken[] = [];

  constructor(path: CharacterIndex) {
    this.path = path;
  }

  compile(): CompiledJsonPath {
    this.readWhitespace();
    const c = this.path.currentChar();
    if (c !== '$' && c !== '@') throw new InvalidPathError("Path must start with '$' or '@'");
    const root = c;
    if (!this.path.currentIsTail()) {
      this.path.incrementPosition(1);
      if (this.path.currentChar() !== '.' && this.path.currentChar() !== '[') fail(`Illegal character at position ${this.path.position()} expected '.' or '['`);
      this.readNextToken();
    }
    return { root, tokens: invertScannerFunction(this.tokens) };
  }

  private readWhitespace(): void {
    while (this.path.inBounds()) {
      const c = this.path.currentChar();
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') break;
      this.path.incrementPosition(1);
    }
  }

  private readNextToken(): boolean {
    switch (this.path.currentChar()) {
      case '[':
        if (!this.readBracketPropertyToken() && !this.readArrayToken() && !this.readWildCardToken() && !this.readFilterToken() && !this.readPlaceholderToken()) {
          fail(`Could not parse token starting at position ${this.path.position()}. Expected ?, ', 0-9, * `);
        }
        return true;
      case '.':
        if (!this.readDotToken()) fail(`Could not parse token starting at position ${this.path.position()}`);
        return true;
      case '*':
        if (!this.readWildCardToken()) fail(`Could not parse token starting at position ${this.path.position()}`);
        return true;
      default:
        if (!this.readPropertyOrFunctionToken()) fail(`Could not parse token starting at position ${this.path.position()}`);
        return true;
    }
  }

  private readDotToken(): boolean {
    const p = this.path;
    if (p.currentCharIs('.') && p.nextCharIs('.')) {
      this.tokens.push({ kind: 'scan' });
      p.incrementPosition(2);
    } else if (!p.hasMoreCharacters()) {
      throw new InvalidPathError("Path must not end with a '.");
    } else {
      p.incrementPosition(1);
    }
    if (p.currentCharIs('.')) throw new InvalidPathError(`Character '.' on position ${p.position()} is not valid.`);
    return this.readNextToken();
  }

  private readPropertyOrFunctionToken(): boolean {
    const p = this.path;
    if (p.currentCharIs('[') || p.currentCharIs('*') || p.currentCharIs('.') || p.currentCharIs(' ')) return false;
    const start = p.position();
    let read = start;
    let end = 0;
    let isFunction = false;
    while (p.inBounds(read)) {
      const c = p.charAt(read);
      if (c === ' ') throw new InvalidPathError(`Use bracket notion ['my prop'] if your property contains blank characters. position: ${p.position()}`);
      if (c === '.' || c === '[') {
        end = read;
        break;
      }
      if (c === '(') {
        isFunction = true;
        end = read;
        break;
      }
      read++;
    }
    if (end === 0) end = p.length();
    let params: FunctionParameter[] = [];
    if (isFunction) {
      let depth = 1;
      for (let i = read + 1; i < p.length(); i++) {
        if (p.charAt(i) === ')') depth--;
        else if (p.charAt(i) === '(') depth++;
        if (depth === 0) break;
      }
      if (depth !== 0) throw new InvalidPathError(`Arguments to function: '${p.subSequence(start, end)}' are not closed properly.`);
      if (p.inBounds(read + 1)) {
        if (p.charAt(read + 1) !== ')') {
          p.setPosition(end + 1);
          params = this.parseFunctionParameters(p.subSequence(start, end));
        } else {
          p.setPosition(read + 1);
        }
      } else {
        p.setPosition(read);
      }
    } else {
      p.setPosition(end);
    }
    const name = p.subSequence(start, end);
    this.tokens.push(isFunction ? { kind: 'function', name, params } : { kind: 'property', names: [name] });
    return p.currentIsTail() || this.readNextToken();
  }

  private parseFunctionParameters(name: string): FunctionParameter[] {
    const p = this.path;
    let type: 'json' | 'path' | null = null;
    let paren = 1;
    let bracket = 0;
    let brace = 0;
    let quote = 0;
    let endOfStream = false;
    let prior = '\0';
    const params: FunctionParameter[] = [];
    let param = '';
    while (p.inBounds() && !endOfStream) {
      const c = p.currentChar();
      p.incrementPosition(1);
      if (type === null) {
        if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
        if (c === '{' || isDigit(c) || c === '"' || c === '-') type = 'json';
        else if (c === '$' || c === '@') type = 'path';
      }
      switch (c) {
        case '"':
          if (prior !== '\\' && quote > 0) quote--;
          else quote++;
          break;
        case '(':
          paren++;
          break;
        case '{':
          brace++;
          break;
        case '[':
          bracket++;
          break;
        case '}':
          if (brace === 0) throw new InvalidPathError(`Unexpected close brace '}' at character position: ${p.position()}`);
          brace--;
          break;
        case ']':
          if (bracket === 0) throw new InvalidPathError(`Unexpected close bracket ']' at character position: ${p.position()}`);
          bracket--;
          break;
        case ')':
        case ',':
          if (c === ')') {
            paren--;
            if (paren < 0 || prior === '(') param += c;
          }
          if (quote === 0 && brace === 0 && bracket === 0 && ((paren === 0 && c === ')') || paren === 1)) {
            endOfStream = paren === 0;
            if (type !== null) {
              params.push(type === 'json' ? { kind: 'json', text: param } : { kind: 'path', path: new PathCompiler(new CharacterIndex(param)).compile() });
              param = '';
              type = null;
            }
          }
          break;
      }
      if (type !== null && !(c === ',' && brace === 0 && bracket === 0 && paren === 1)) param += c;
      prior = c;
    }
    if (brace !== 0 || paren !== 0 || bracket !== 0) throw new InvalidPathError(`Arguments to function: '${name}' are not closed properly.`);
    return params;
  }

  /** `[?]` and `[?, ?]` take predicates passed beside the path; Step Functions passes none. */
  private readPlaceholderToken(): boolean {
    const p = this.path;
    if (!p.currentCharIs('[')) return false;
    const q = p.indexOfNextSignificantChar('?');
    if (q === -1) return false;
    const next = p.nextSignificantChar(q);
    if (next !== ']' && next !== ',') return false;
    const end = p.nextIndexOf(p.position() + 1, ']');
    if (end === -1) return false;
    const expression = p.subSequence(p.position() + 1, end);
    throw new InvalidPathError(`Not enough predicates supplied for filter [${expression}] at position ${p.position()}`);
  }

  private readFilterToken(): boolean {
    const p = this.path;
    if (!p.currentCharIs('[') && !p.nextSignificantCharIs('?')) return false;
    const openStatement = p.position();
    const q = p.indexOfNextSignificantChar('?');
    if (q === -1) return false;
    const open = p.indexOfNextSignificantChar('(', q);
    if (open === -1) return false;
    const close = p.indexOfClosingBracket(open, true, true);
    if (close === -1) return false;
    if (!p.nextSignificantCharIs(']', close)) return false;
    const closeStatement = p.indexOfNextSignificantChar(']', close);
    const criteria = p.subSequence(openStatement, closeStatement + 1);
    this.tokens.push({ kind: 'filter', predicate: new FilterCompiler(criteria).compile() });
    p.setPosition(closeStatement + 1);
    return p.currentIsTail() || this.readNextToken();
  }

  private readWildCardToken(): boolean {
    const p = this.path;
    const inBracket = p.currentCharIs('[');
    if (inBracket && !p.nextSignificantCharIs('*')) return false;
    if (!p.currentCharIs('*') && p.isOutOfBounds(p.position() + 1)) return false;
    if (inBracket) {
      const w = p.indexOfNextSignificantChar('*');
      if (!p.nextSignificantCharIs(']', w)) throw new InvalidPathError(`Expected wildcard token to end with ']' on position ${w + 1}`);
      p.setPosition(p.indexOfNextSignificantChar(']', w) + 1);
    } else {
      p.incrementPosition(1);
    }
    this.tokens.push({ kind: 'wildcard' });
    return p.currentIsTail() || this.readNextToken();
  }

  private readArrayToken(): boolean {
    const p = this.path;
    if (!p.currentCharIs('[')) return false;
    const next = p.nextSignificantChar();
    if (!isDigit(next) && next !== '-' && next !== ':') return false;
    const begin = p.position() + 1;
    const end = p.nextIndexOf(begin, ']');
    if (end === -1) return false;
    const expression = javaTrim(p.subSequence(begin, end));
    if (expression === '*') return false;
    for (const c of expression) if (!isDigit(c) && c !== ',' && c !== '-' && c !== ':' && c !== ' ') return false;
    this.tokens.push(expression.includes(':') ? parseSlice(expression) : parseIndexes(expression));
    p.setPosition(end + 1);
    return p.currentIsTail() || this.readNextToken();
  }

  private readBracketPropertyToken(): boolean {
    const p = this.path;
    if (!p.currentCharIs('[')) return false;
    const delimiter = p.nextSignificantChar();
    if (delimiter !== "'" && delimiter !== '"') return false;
    const names: string[] = [];
    let start = p.position() + 1;
    let read = start;
    let end = 0;
    let inProperty = false;
    let inEscape = false;
    let lastWasComma = false;
    while (p.inBounds(read)) {
      const c = p.charAt(read);
      if (inEscape) {
        inEscape = false;
      } else if (c === '\\') {
        inEscape = true;
      } else if (c === ']' && !inProperty) {
        if (lastWasComma) fail(`Found empty property at index ${read}`);
        break;
      } else if (c === delimiter) {
        if (inProperty) {
          const n = p.nextSignificantChar(read);
          if (n !== ']' && n !== ',') fail(`Property must be separated by comma or Property must be terminated close square bracket at index ${read}`);
          end = read;
          names.push(unescape(p.subSequence(start, end)));
          inProperty = false;
        } else {
          start = read + 1;
          inProperty = true;
          lastWasComma = false;
        }
      } else if (c === ',' && !inProperty) {
        if (lastWasComma) fail(`Found empty property at index ${read}`);
        lastWasComma = true;
      }
      read++;
    }
    if (inProperty) fail(`Property has not been closed - missing closing ${delimiter}`);
    const close = p.indexOfNextSignificantChar(']', end);
    if (close === -1) fail('Property has not been closed - missing closing ]');
    p.setPosition(close + 1);
    if (names.length === 0) throw new InvalidPathError('Empty properties');
    this.tokens.push({ kind: 'property', names });
    return p.currentIsTail() || this.readNextToken();
  }
}

/** ArraySliceOperation.parse: `[from:to]`; a third part is read and ignored, as Jayway does. */
function parseSlice(expression: string): PathToken {
  for (const c of expression) if (!isDigit(c) && c !== '-' && c !== ':') throw new InvalidPathError(`Failed to parse SliceOperation: ${expression}`);
  const parts = javaSplit(expression, ':');
  const read = (i: number): number | null => (parts.length > i && parts[i] !== '' ? parseJavaInt(parts[i]) : null);
  const from = read(0);
  const to = read(1);
  if (from === null && to === null) throw new InvalidPathError(`Failed to parse SliceOperation: ${expression}`);
  return { kind: 'slice', from, to };
}

/** ArrayIndexOperation.parse: `[1]`, `[1, -2]`. */
function parseIndexes(expression: string): PathToken {
  for (const c of expression) if (!isDigit(c) && c !== ',' && c !== ' ' && c !== '-') throw new InvalidPathError(`Failed to parse ArrayIndexOperation: ${expression}`);
  // Java's Pattern.split(s, -1) keeps trailing empty strings, so `[1,]` fails on the empty token.
  return { kind: 'index', indexes: expression.split(/\s*,\s*/).map(parseJavaInt) };
}

/**
 * CompiledPath.invertScannerFunctionRelationship: `$..book.length()` applies the function to the
 * whole scan (`length($..book)`), not to each book.
 */
function invertScannerFunction(tokens: PathToken[]): PathToken[] {
  const last = tokens[tokens.length - 1];
  if (tokens[0]?.kind !== 'scan' || last?.kind !== 'function') return tokens;
  const fnAt = tokens.findIndex((t) => t.kind === 'function');
  const scanned: CompiledJsonPath = { root: '$', tokens: tokens.slice(0, fnAt) };
  const fn = tokens[fnAt] as Extract<PathToken, { kind: 'function' }>;
  return [{ kind: 'function', name: fn.name, params: [{ kind: 'path', path: scanned }] }, ...tokens.slice(fnAt + 1)];
}

// ---------------------------------------------------------------------------------------------
// FilterCompiler.java

const PATTERN_FLAGS = 'dixmsuU';

class FilterCompiler {
  private readonly filter: CharacterIndex;

  constructor(text: string) {
    const f = new CharacterIndex(text);
    f.trim();
    if (!f.currentCharIs('[') || !f.lastCharIs(']')) throw new InvalidPathError(`Filter must start with '[' and end with ']'. ${text}`);
    f.incrementPosition(1);
    f.decrementEndPosition(1);
    f.trim();
    if (!f.currentCharIs('?')) throw new InvalidPathError(`Filter must start with '[?' and end with ']'. ${text}`);
    f.incrementPosition(1);
    f.trim();
    if (!f.currentCharIs('(') || !f.lastCharIs(')')) throw new InvalidPathError(`Filter must start with '[?(' and end with ')]'. ${text}`);
    this.filter = f;
  }

  compile(): FilterExpression {
    try {
      const result = this.readLogicalOR();
      this.filter.skipBlanks();
      if (this.filter.inBounds()) {
        throw new InvalidPathError(`Expected end of filter expression instead of: ${this.filter.subSequence(this.filter.position(), this.filter.length())}`);
      }
      return result;
    } catch (e) {
      if (e instanceof InvalidPathError) throw e;
      throw new InvalidPathError(`Failed to parse filter: ${this.filter.text}, error on position: ${this.filter.position()}`);
    }
  }

  private readValueNode(): FilterValue {
    const f = this.filter;
    switch (f.skipBlanks().currentChar()) {
      case '$':
      case '@':
        return this.readPath();
      case '!':
        f.incrementPosition(1);
        switch (f.skipBlanks().currentChar()) {
          case '$':
          case '@':
            return this.readPath();
          default:
            throw new InvalidPathError('Unexpected character: !');
        }
      default:
        return this.readLiteral();
    }
  }

  private readLiteral(): FilterValue {
    switch (this.filter.skipBlanks().currentChar()) {
      case "'":
        return this.readStringLiteral("'");
      case '"':
        return this.readStringLiteral('"');
      case 't':
      case 'f':
        return this.readBooleanLiteral();
      case '-':
        return this.readNumberLiteral();
      case 'n':
        return this.readNullLiteral();
      case '{':
      case '[':
        return this.readJsonLiteral();
      case '/':
        return this.readPattern();
      default:
        return this.readNumberLiteral();
    }
  }

  private readLogicalOR(): FilterExpression {
    const ops = [this.readLogicalAND()];
    for (;;) {
      const save = this.filter.position();
      if (this.filter.hasSignificantSubSequence('||')) ops.push(this.readLogicalAND());
      else {
        this.filter.setPosition(save);
        break;
      }
    }
    return ops.length === 1 ? ops[0] : { kind: 'or', operands: ops };
  }

  private readLogicalAND(): FilterExpression {
    const ops = [this.readLogicalANDOperand()];
    for (;;) {
      const save = this.filter.position();
      if (this.filter.hasSignificantSubSequence('&&')) ops.push(this.readLogicalANDOperand());
      else {
        this.filter.setPosition(save);
        break;
      }
    }
    return ops.length === 1 ? ops[0] : { kind: 'and', operands: ops };
  }

  private readLogicalANDOperand(): FilterExpression {
    const f = this.filter;
    const save = f.skipBlanks().position();
    if (f.skipBlanks().currentCharIs('!')) {
      f.readSignificantChar('!');
      const c = f.skipBlanks().currentChar();
      if (c === '$' || c === '@') f.setPosition(save);
      else return { kind: 'not', operand: this.readLogicalANDOperand() };
    }
    if (f.skipBlanks().currentCharIs('(')) {
      f.readSignificantChar('(');
      const op = this.readLogicalOR();
      f.readSignificantChar(')');
      return op;
    }
    return this.readExpression();
  }

  private readExpression(): FilterExpression {
    const left = this.readValueNode();
    const save = this.filter.position();
    try {
      const operator = this.readRelationalOperator();
      const right = this.readValueNode();
      return { kind: 'relation', left, operator, right };
    } catch (e) {
      if (!(e instanceof InvalidPathError)) throw e;
      this.filter.setPosition(save);
    }
    if (left.kind !== 'path') throw new InvalidPathError('Expected path node');
    const exists = { ...left, existsCheck: true };
    return { kind: 'relation', left: exists, operator: RelationalOperator.EXISTS, right: { kind: 'boolean', value: left.shouldExist } };
  }

  private readRelationalOperator(): RelationalOperator {
    const f = this.filter;
    const begin = f.skipBlanks().position();
    if (isRelationalOperatorChar(f.currentChar())) {
      while (f.inBounds() && isRelationalOperatorChar(f.currentChar())) f.incrementPosition(1);
    } else {
      while (f.inBounds() && f.currentChar() !== ' ') f.incrementPosition(1);
    }
    const text = f.subSequence(begin, f.position());
    const upper = text.toUpperCase();
    if (!OPERATORS.has(upper)) throw new InvalidPathError(`Filter operator ${text} is not supported!`);
    return upper as RelationalOperator;
  }

  private readNullLiteral(): FilterValue {
    const f = this.filter;
    if (f.currentChar() === 'n' && f.inBounds(f.position() + 3) && f.subSequence(f.position(), f.position() + 4) === 'null') {
      f.incrementPosition(4);
      return { kind: 'null' };
    }
    throw new InvalidPathError('Expected <null> value');
  }

  private readJsonLiteral(): FilterValue {
    const f = this.filter;
    const begin = f.position();
    const open = f.currentChar();
    const close = open === '[' ? ']' : '}';
    const closing = f.indexOfMatchingCloseChar(begin, open, close, true, false);
    if (closing === -1) throw new InvalidPathError(`String not closed. Expected ' in ${f.text}`);
    f.setPosition(closing + 1);
    return { kind: 'json', text: f.subSequence(begin, f.position()) };
  }

  private readPattern(): FilterValue {
    const f = this.filter;
    const begin = f.position();
    let closing = f.nextIndexOfUnescaped('/');
    if (closing === -1) throw new InvalidPathError(`Pattern not closed. Expected / in ${f.text}`);
    if (f.inBounds(closing + 1)) {
      let endFlags = closing + 1;
      while (f.inBounds(endFlags) && PATTERN_FLAGS.includes(f.charAt(endFlags))) endFlags++;
      closing += endFlags - (closing + 1);
    }
    f.setPosition(closing + 1);
    const text = f.subSequence(begin, f.position());
    const slash = text.lastIndexOf('/');
    const source = text.slice(text.indexOf('/') + 1, slash);
    const flags = text.slice(slash + 1);
    checkJavaPattern(source, flags);
    return { kind: 'pattern', source, flags };
  }

  private readStringLiteral(endChar: string): FilterValue {
    const f = this.filter;
    const begin = f.position();
    const closing = f.nextIndexOfUnescaped(endChar);
    if (closing === -1) throw new InvalidPathError(`String literal does not have matching quotes. Expected ${endChar} in ${f.text}`);
    f.setPosition(closing + 1);
    const literal = f.subSequence(begin, f.position());
    return { kind: 'string', value: unescape(literal.slice(1, -1)) };
  }

  private readNumberLiteral(): FilterValue {
    const f = this.filter;
    const begin = f.position();
    while (f.inBounds() && f.isNumberCharacter(f.position())) f.incrementPosition(1);
    const text = f.subSequence(begin, f.position());
    // new BigDecimal(text): a NumberFormatException, which the filter compiler does not catch on its way.
    if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) throw new JavaFailure(`Character array is missing "exponent" mark 'e' or 'E'.`);
    return { kind: 'number', value: Number(text) };
  }

  private readBooleanLiteral(): FilterValue {
    const f = this.filter;
    const begin = f.position();
    const end = f.currentChar() === 't' ? begin + 3 : begin + 4;
    if (!f.inBounds(end)) throw new InvalidPathError('Expected boolean literal');
    const text = f.subSequence(begin, end + 1);
    if (text !== 'true' && text !== 'false') throw new InvalidPathError('Expected boolean literal');
    f.incrementPosition(text.length);
    return { kind: 'boolean', value: text === 'true' };
  }

  private readPath(): FilterValue {
    const f = this.filter;
    const previous = f.previousSignificantChar();
    const begin = f.position();
    f.incrementPosition(1);
    while (f.inBounds()) {
      if (f.currentChar() === '[') {
        const close = f.indexOfMatchingCloseChar(f.position(), '[', ']', true, false);
        if (close === -1) throw new InvalidPathError(`Square brackets does not match in filter ${f.text}`);
        f.setPosition(close + 1);
      }
      const closingFunction = f.currentChar() === ')' && this.currentCharIsClosingFunctionBracket(begin);
      const closingLogical = f.currentChar() === ')' && !closingFunction;
      if (!f.inBounds() || isRelationalOperatorChar(f.currentChar()) || f.currentChar() === ' ' || closingLogical) break;
      f.incrementPosition(1);
    }
    const text = f.subSequence(begin, f.position());
    return { kind: 'path', path: compileJsonPath(text), existsCheck: false, shouldExist: previous !== '!' };
  }

  private currentCharIsClosingFunctionBracket(lowerBound: number): boolean {
    const f = this.filter;
    if (f.currentChar() !== ')') return false;
    let i = f.indexOfPreviousSignificantChar();
    if (i === -1 || f.charAt(i) !== '(') return false;
    i--;
    while (f.inBounds(i) && i > lowerBound) {
      if (f.charAt(i) === '.') return true;
      i--;
    }
    return false;
  }
}

function isRelationalOperatorChar(c: string): boolean {
  return c === '<' || c === '>' || c === '=' || c === '~' || c === '!';
}

/**
 * Jayway compiles the pattern with java.util.regex when it reads the filter; JavaScript's RegExp is
 * the nearest check this side (the Java-only constructs it lacks are rare in definitions).
 */
function checkJavaPattern(source: string, flags: string): void {
  try {
    new RegExp(source, javaFlagsToJs(flags));
  } catch (e) {
    throw new JavaFailure((e as Error).message);
  }
}

/** The java.util.regex flags that JavaScript has: i, m, s (u and U only widen case folding and classes). */
export function javaFlagsToJs(flags: string): string {
  let out = '';
  for (const f of ['i', 'm', 's']) if (flags.includes(f)) out += f;
  return out;
}
