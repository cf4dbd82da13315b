import type { JsonValue } from '../../../json.ts';
import { ArgType, IntrinsicName, type IntrinsicSpec } from '../spec.ts';
import { jsonEquals } from '../values.ts';

/** `States.ArrayUnique(array)`: the elements without repeats (deep equality), first one kept. */
export const arrayUnique: IntrinsicSpec = {
  name: IntrinsicName.ArrayUnique,
  params: [ArgType.Array],
  required: 1,
  evaluate({ values }) {
    const out: JsonValue[] = [];
    for (const v of values[0] as JsonValue[]) {
      if (!out.some((seen) => jsonEquals(seen, v))) out.push(v);
    }
    return out;
  },
};
