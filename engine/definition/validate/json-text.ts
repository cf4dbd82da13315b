/**
 * Reading a definition's text the way AWS does, so that a definition that is not JSON is refused
 * with AWS's `INVALID_JSON_DESCRIPTION` diagnostic.
 *
 * AWS parses definitions with Jackson, and its message is Jackson's: what went wrong, then
 * `at [Source: (String)"..."; line: L, column: C]`. `JSON.parse` decides whether the text is JSON;
 * the scanner below only runs on text that `JSON.parse` refused, to name the problem in Jackson's
 * words and place it where Jackson would.
 */

/** A JSON syntax problem: Jackson's text, plus where it is. */
export interface JsonSyntaxProblem {
  message: string;
  line: number;
  column: number;
}

/** Jackson's source excerpt is cut at 500 characters. */
const SOURCE_LIMIT = 500;

export function jacksonSource(text: string): string {
  const shown = text.length > SOURCE_LIMIT ? `${text.slice(0, SOURCE_LIMIT)}"[truncated ${text.length - SOURCE_LIMIT} chars]` : `${text}"`;
  return `[Source: (String)"${shown}`;
}

/** `message\n at [Source: ...; line: L, column: C]`, Jackson's `getMessage()`. */
export function jacksonMessage(text: string, problem: JsonSyntaxProblem): string {
  return `${problem.message}\n at ${jacksonSource(text)}; line: ${problem.line}, column: ${problem.column}]`;
}

const VALUE_EXPECTED = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

class JsonSyntaxError extends Error {
  readonly problem: JsonSyntaxProblem;
  constructor(problem: JsonSyntaxProblem) {
    super(problem.message);
    this.problem = problem;
  }
}

/** Where a container started, for Jackson's "start marker at" texts. */
interface Marker {
  kind: 'Object' | 'Array';
  line: number;
  column: number;
}

/**
 * Finds the first syntax problem in `text`, or `null` when it is valid JSON.
 * Columns are 1-based and, as in Jackson, point just past the offending character.
 */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  const scanner = new Scanner(text);
  try {
    scanner.document();
    return null;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e.problem;
    throw e;
  }
}

class Scanner {
  private readonly text: string;
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(text: string) {
    this.text = text;
  }

  document(): void {
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('No content to map due to end-of-input', 0);
    this.value();
    this.skipSpace();
    if (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      this.pos++;
      this.fail(`Unexpected character (${describe(ch)}): expected end-of-input after the root value`);
    }
  }

  private value(): void {
    const ch = this.text[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
    if (ch === undefined) this.fail(`Unexpected end-of-input: expected a value ${VALUE_EXPECTED}`);
    if (/[A-Za-z_]/.test(ch)) return this.keyword();
    this.pos++;
    if (ch === ']' || ch === '}') this.fail(`Unexpected close marker '${ch}': expected a value ${VALUE_EXPECTED}`);
    if (ch === '/' || ch === '#') {
      this.fail(`Unexpected character (${describe(ch)}): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)`);
    }
    if (ch === "'") {
      this.fail(`Unexpected character (${describe(ch)}): expected a valid value ${VALUE_EXPECTED}`);
    }
    this.fail(`Unexpected character (${describe(ch)}): expected a valid value ${VALUE_EXPECTED}`);
  }

  private keyword(): void {
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_$]/.test(this.text[this.pos])) this.pos++;
    const word = this.text.slice(start, this.pos);
    if (word === 'true' || word === 'false' || word === 'null') return;
    this.fail(`Unrecognized token '${word}': was expecting ${VALUE_EXPECTED}`);
  }

  private object(): void {
    const marker = this.marker('Object');
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === undefined) this.endOfInput(marker);
      if (ch !== '"') {
        this.pos++;
        if (ch === "'") this.fail(`Unexpected character (${describe(ch)}): was expecting double-quote to start field name`);
        if (ch === '}') this.fail(`Unexpected character (${describe(ch)}): was expecting double-quote to start field name`);
        this.fail(`Unexpected character (${describe(ch)}): was expecting double-quote to start field name`);
      }
      this.string();
      this.skipSpace();
      const colon = this.text[this.pos];
      if (colon === undefined) this.endOfInput(marker);
      this.pos++;
      if (colon !== ':') this.fail(`Unexpected character (${describe(colon)}): was expecting a colon to separate field name and value`);
      this.skipSpace();
      if (this.pos >= this.text.length) this.endOfInput(marker);
      this.value();
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === undefined) this.endOfInput(marker);
      this.pos++;
      if (next === '}') return;
      if (next === ']') this.fail(`Unexpected close marker ']': expected '}' (for Object starting at ${this.markerText(marker)})`);
      if (next !== ',') this.fail(`Unexpected character (${describe(next)}): was expecting comma to separate Object entries`);
    }
  }

  private array(): void {
    const marker = this.marker('Array');
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.endOfInput(marker);
      this.value();
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === undefined) this.endOfInput(marker);
      this.pos++;
      if (next === ']') return;
      if (next === '}') this.fail(`Unexpected close marker '}': expected ']' (for Array starting at ${this.markerText(marker)})`);
      if (next !== ',') this.fail(`Unexpected character (${describe(next)}): was expecting comma to separate Array entries`);
    }
  }

  private string(): void {
    this.pos++;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail('Unexpected end-of-input: was expecting closing quote for a string value');
      this.pos++;
      if (ch === '"') return;
      if (ch === '\\') {
        const esc = this.text[this.pos];
        if (esc === undefined) this.fail('Unexpected end-of-input in character escape sequence');
        this.pos++;
        if (esc === 'u') {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
            const bad = [...hex].find((c) => !/[0-9A-Fa-f]/.test(c)) ?? '';
            this.pos += Math.max(0, hex.indexOf(bad)) + 1;
            this.fail(`Unexpected character (${describe(bad)}): expected a hex-digit for character escape sequence`);
          }
          this.pos += 4;
        } else if (!'"\\/bfnrt'.includes(esc)) {
          this.fail(`Unrecognized character escape ${describe(esc)}`);
        }
      } else if (ch.charCodeAt(0) < 0x20) {
        this.fail(`Illegal unquoted character ((CTRL-CHAR, code ${ch.charCodeAt(0)})): has to be escaped using backslash to be included in string value`);
      }
    }
  }

  private number(): void {
    const start = this.pos;
    if (this.text[this.pos] === '-') this.pos++;
    const digitsStart = this.pos;
    while (/[0-9]/.test(this.text[this.pos] ?? '')) this.pos++;
    if (this.pos === digitsStart) {
      const ch = this.text[this.pos];
      this.pos++;
      this.fail(`Unexpected character (${describe(ch)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`);
    }
    if (this.text[digitsStart] === '0' && this.pos - digitsStart > 1) this.fail('Invalid numeric value: Leading zeroes not allowed');
    if (this.text[this.pos] === '.') {
      this.pos++;
      const fracStart = this.pos;
      while (/[0-9]/.test(this.text[this.pos] ?? '')) this.pos++;
      if (this.pos === fracStart) {
        const ch = this.text[this.pos];
        this.pos++;
        this.fail(`Unexpected character (${describe(ch)}) in numeric value: Decimal point not followed by a digit`);
      }
    }
    if (this.text[this.pos] === 'e' || this.text[this.pos] === 'E') {
      this.pos++;
      if (this.text[this.pos] === '+' || this.text[this.pos] === '-') this.pos++;
      const expStart = this.pos;
      while (/[0-9]/.test(this.text[this.pos] ?? '')) this.pos++;
      if (this.pos === expStart) {
        const ch = this.text[this.pos];
        this.pos++;
        this.fail(`Unexpected character (${describe(ch)}) in numeric value: Exponent indicator not followed by a digit`);
      }
    }
    const after = this.text[this.pos];
    if (after !== undefined && /[A-Za-z_]/.test(after)) {
      while (this.pos < this.text.length && /[A-Za-z0-9_.]/.test(this.text[this.pos])) this.pos++;
      this.fail(`Unrecognized token '${this.text.slice(start, this.pos)}': was expecting ${VALUE_EXPECTED}`);
    }
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '\n') {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (ch === ' ' || ch === '\t' || ch === '\r') {
        this.pos++;
      } else {
        return;
      }
    }
  }

  private marker(kind: Marker['kind']): Marker {
    return { kind, line: this.line, column: this.pos - this.lineStart + 1 };
  }

  private markerText(marker: Marker): string {
    return `${jacksonSource(this.text)}; line: ${marker.line}, column: ${marker.column}]`;
  }

  private endOfInput(marker: Marker): never {
    this.fail(`Unexpected end-of-input: expected close marker for ${marker.kind} (start marker at ${this.markerText(marker)})`);
  }

  private fail(message: string, column?: number): never {
    throw new JsonSyntaxError({ message, line: this.line, column: column ?? this.pos - this.lineStart + 1 });
  }
}

/** Jackson's `('x' (code 120))`, with control characters named as Jackson names them. */
function describe(ch: string | undefined): string {
  if (ch === undefined) return "'<EOF>'";
  const code = ch.charCodeAt(0);
  if (code < 0x20) return `(CTRL-CHAR, code ${code})`;
  return `'${ch}' (code ${code})`;
}
