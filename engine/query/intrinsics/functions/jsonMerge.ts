import type { JsonObject } from '../../../json.ts';
import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';

/**
 * `States.JsonMerge(left, right, false)`: shallow merge, `right` winning on shared keys. AWS
 * supports only the shallow mode, so a `true` third argument is invalid.
 */
export const jsonMerge: IntrinsicSpec = {
  name: IntrinsicName.JsonMerge,
  params: [ArgType.Object, ArgType.Object, ArgType.Boolean],
  required: 3,
  evaluate({ values }) {
    if (values[2] !== false) throw invalidArguments(IntrinsicName.JsonMerge);
    return { ...(values[0] as JsonObject), ...(values[1] as JsonObject) };
  },
};
