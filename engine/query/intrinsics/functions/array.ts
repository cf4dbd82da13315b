import { ArgType, IntrinsicName, type IntrinsicSpec } from '../spec.ts';

/** `States.Array(...values)`: the values, in order, as an array (zero values give `[]`). */
export const array: IntrinsicSpec = {
  name: IntrinsicName.Array,
  params: [],
  required: 0,
  rest: ArgType.Any,
  evaluate({ values }) {
    return [...values];
  },
};
