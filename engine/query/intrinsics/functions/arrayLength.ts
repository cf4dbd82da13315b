import { ArgType, IntrinsicName, type IntrinsicSpec } from '../spec.ts';

/** `States.ArrayLength(array)`: the number of elements. */
export const arrayLength: IntrinsicSpec = {
  name: IntrinsicName.ArrayLength,
  params: [ArgType.Array],
  required: 1,
  evaluate({ values }) {
    return (values[0] as unknown[]).length;
  },
};
