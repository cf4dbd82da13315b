import type { JsonValue } from '../../../json.ts';
import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';
import { truncate } from '../values.ts';

/** `States.ArrayPartition(array, chunkSize)`: consecutive chunks; the last holds the remainder. */
export const arrayPartition: IntrinsicSpec = {
  name: IntrinsicName.ArrayPartition,
  params: [ArgType.Array, ArgType.Number],
  required: 2,
  evaluate({ values }) {
    const items = values[0] as JsonValue[];
    const size = truncate(values[1] as number);
    if (size <= 0) throw invalidArguments(IntrinsicName.ArrayPartition);
    const chunks: JsonValue[] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return chunks;
  },
};
