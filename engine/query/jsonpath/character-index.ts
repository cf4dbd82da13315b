/**
 * Jayway's `CharacterIndex.java` (the scanner its path and filter compilers share: only a space
 * counts as a blank) and the Java string and number helpers the port needs to fail where Java fails.
 */
import { InvalidPathError, JavaFailure } from './tokens.ts';

const SPACE = ' ';

export class CharacterIndex {
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

export function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Java's `String.trim()`: every character up to U+0020 at both ends. */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

/** Java's `Integer.parseInt` over the characters Jayway has already let through (digits and '-'). */
export function parseJavaInt(s: string): number {
  if (!/^-?\d+$/.test(s)) throw new JavaFailure(`For input string: "${s}"`);
  const n = Number(s);
  if (n > 2147483647 || n < -2147483648) throw new JavaFailure(`For input string: "${s}"`);
  return n;
}

/** Java's `String.split(regex)`: trailing empty strings removed. */
export function javaSplit(s: string, separator: string | RegExp): string[] {
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

