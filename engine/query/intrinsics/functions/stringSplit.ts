import { ArgType, IntrinsicName, type IntrinsicSpec } from '../spec.ts';

/**
 * `States.StringSplit(text, delimiters)`: splits at every character of `delimiters` (each one is a
 * delimiter, not the string as a whole) and drops empty pieces, like Java's `StringTokenizer`:
 * `(", , ,", ",")` gives `[" ", " "]`.
 */
export const stringSplit: IntrinsicSpec = {
  name: IntrinsicName.StringSplit,
  params: [ArgType.String, ArgType.String],
  required: 2,
  evaluate({ values }) {
    const text = values[0] as string;
    const delimiters = new Set(values[1] as string);
    const pieces: string[] = [];
    let current = '';
    for (const c of text) {
      if (delimiters.has(c)) {
        if (current !== '') pieces.push(current);
        current = '';
      } else {
        current += c;
      }
    }
    if (current !== '') pieces.push(current);
    return pieces;
  },
};
