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
import { CharacterIndex, isDigit, javaSplit, javaTrim, parseJavaInt, unescape } from './character-index.ts';
import { compileFilter } from './filter-compiler.ts';
import { InvalidPathError, type CompiledJsonPath, type FunctionParameter, type PathToken } from './tokens.ts';

export { InvalidPathError, RelationalOperator, type CompiledJsonPath, type FilterExpression, type FilterValue, type FunctionParameter, type PathToken } from './tokens.ts';
export { javaFlagsToJs } from './filter-compiler.ts';
export { unescape } from './character-index.ts';

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
    this.tokens.push({ kind: 'filter', predicate: compileFilter(criteria, compileJsonPath) });
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

