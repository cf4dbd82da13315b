import type { JsonValue } from '../../../json.ts';
import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';
import { formatArgument } from '../values.ts';

/**
 * `States.Format(template, ...values)`: each `{}` in the template takes the next value. The
 * number of `{}` must equal the number of values, and a brace that is not part of `{}` must be
 * escaped (`\{`, `\}`) in a literal template.
 */
export const format: IntrinsicSpec = {
  name: IntrinsicName.Format,
  params: [ArgType.String],
  required: 1,
  rest: ArgType.Any,
  evaluate({ values, args }) {
    const template = values[0] as string;
    const first = args[0];
    // Only a literal template can carry escapes; a template read from a path is taken as it is.
    const escaped = first?.kind === 'literal' && first.escaped !== undefined ? first.escaped : [];
    const replacements = values.slice(1);
    let out = '';
    let next = 0;
    for (let i = 0; i < template.length; i++) {
      const c = template[i];
      if (escaped[i] === true || (c !== '{' && c !== '}')) {
        out += c;
        continue;
      }
      if (c === '}' || template[i + 1] !== '}' || escaped[i + 1] === true) throw invalidArguments(IntrinsicName.Format);
      if (next >= replacements.length) throw invalidArguments(IntrinsicName.Format);
      out += formatArgument(replacements[next++] as JsonValue);
      i++;
    }
    if (next !== replacements.length) throw invalidArguments(IntrinsicName.Format);
    return out;
  },
};
