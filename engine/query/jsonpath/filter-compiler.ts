/**
 * Jayway's `FilterCompiler.java`, ported rule for rule (see compile.ts): `||`, `&&`, `!`,
 * parentheses, relational operators, literals, `/regex/flags`, nested `$` and `@` paths. Nested
 * paths are compiled by the path compiler the caller passes, which keeps the two modules acyclic.
 */
import { CharacterIndex, unescape } from './character-index.ts';
import { InvalidPathError, JavaFailure, OPERATORS, RelationalOperator, type CompiledJsonPath, type FilterExpression, type FilterValue } from './tokens.ts';

const PATTERN_FLAGS = 'dixmsuU';

/**
 * Compiles a filter (`[?(...)]`, brackets included) as Jayway's `FilterCompiler.compile` does;
 * `compilePath` compiles the `$` and `@` paths inside it.
 */
export function compileFilter(text: string, compilePath: (path: string) => CompiledJsonPath): FilterExpression {
  return new FilterCompiler(text, compilePath).compile();
}

class FilterCompiler {
  private readonly filter: CharacterIndex;
  private readonly compilePath: (path: string) => CompiledJsonPath;

  constructor(text: string, compilePath: (path: string) => CompiledJsonPath) {
    this.compilePath = compilePath;
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
    return { kind: 'path', path: this.compilePath(text), existsCheck: false, shouldExist: previous !== '!' };
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

