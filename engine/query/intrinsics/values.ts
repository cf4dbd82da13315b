/**
 * Value helpers shared by the intrinsic functions. Step Functions runs intrinsics on the JVM, so
 * a few of them reproduce Java behaviour: `toString()` of maps and lists, `Math.round`, and the
 * `(int)` cast that truncates towards zero.
 */
import type { JsonValue } from '../../json.ts';

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX;
}

/** Java's `Math.round`: halves go up (`-1.5` → `-1`), and never a negative zero. */
export function roundHalfUp(n: number): number {
  const r = Math.round(n);
  return r === 0 ? 0 : r;
}

/** Java's `(int)` cast of a double: towards zero. */
export function truncate(n: number): number {
  const t = Math.trunc(n);
  return t === 0 ? 0 : t;
}

/** Structural equality of JSON values; object key order does not matter. */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEquals(v, b[i]));
  }
  const ao = a as Record<string, JsonValue>;
  const bo = b as Record<string, JsonValue>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEquals(ao[k], bo[k]));
}

/**
 * A number as Java prints it: integers in full, other values like `Double.toString`
 * (`1.1`, `1.0E-4`, `1.5E10`).
 */
export function javaNumberString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace('+', '')}`;
}

/**
 * A value as `States.Format` writes it into its template: strings as they are, objects and arrays
 * the way Java prints a `Map` and a `List` (`{Arg1=1, Arg2=[]}`), everything else as JSON text.
 */
export function formatArgument(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return javaNumberString(v);
  if (v === null || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(formatArgument).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${k}=${formatArgument(x)}`)
    .join(', ')}}`;
}
