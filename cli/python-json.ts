/**
 * JSON text the way Python's `json.dumps` writes it (`", "` and `": "` separators, non-ASCII
 * escaped). The conformance recordings were made by a Python client, and AWS keeps an execution's
 * input text exactly as the client sent it; the batch command rebuilds that text.
 */
import type { JsonValue } from '../engine/json.ts';

export function pythonJsonText(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return '[' + v.map(pythonJsonText).join(', ') + ']';
  return '{' + Object.entries(v).map(([k, x]) => pyString(k) + ': ' + pythonJsonText(x)).join(', ') + '}';
}

function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function pyNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  return JSON.stringify(n);
}
