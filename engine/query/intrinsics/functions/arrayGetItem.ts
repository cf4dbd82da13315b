import type { JsonValue } from '../../../json.ts';
import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';
import { truncate } from '../values.ts';

/**
 * `States.ArrayGetItem(array, index)`: the element at a zero-based index. A fractional index is
 * cut towards zero; a negative or out-of-range index is invalid, except that AWS answers `null`
 * for any index into an empty array.
 */
export const arrayGetItem: IntrinsicSpec = {
  name: IntrinsicName.ArrayGetItem,
  params: [ArgType.Array, ArgType.Number],
  required: 2,
  evaluate({ values }) {
    const items = values[0] as JsonValue[];
    const index = truncate(values[1] as number);
    if (index < 0) throw invalidArguments(IntrinsicName.ArrayGetItem);
    if (items.length === 0) return null;
    if (index >= items.length) throw invalidArguments(IntrinsicName.ArrayGetItem);
    return items[index];
  },
};
