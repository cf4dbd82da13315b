import type { JsonValue } from '../../../json.ts';
import { ArgType, IntrinsicName, type IntrinsicSpec } from '../spec.ts';
import { jsonEquals } from '../values.ts';

/** `States.ArrayContains(array, value)`: whether an element equals `value` (deep equality). */
export const arrayContains: IntrinsicSpec = {
  name: IntrinsicName.ArrayContains,
  params: [ArgType.Array, ArgType.Any],
  required: 2,
  evaluate({ values }) {
    const target = values[1] as JsonValue;
    return (values[0] as JsonValue[]).some((v) => jsonEquals(v, target));
  },
};
