import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';
import { isInt32, roundHalfUp } from '../values.ts';

/**
 * `States.MathAdd(a, b)`: the sum of two 32-bit integers. Each operand is first rounded to the
 * nearest integer, halves up (`1.5` → `2`, `-1.5` → `-1`), as the recordings show; operands and
 * sum must fit in a 32-bit signed integer.
 */
export const mathAdd: IntrinsicSpec = {
  name: IntrinsicName.MathAdd,
  params: [ArgType.Number, ArgType.Number],
  required: 2,
  evaluate({ values }) {
    const [a, b] = (values as number[]).map(roundHalfUp);
    const sum = a + b;
    if (!isInt32(a) || !isInt32(b) || !isInt32(sum)) throw invalidArguments(IntrinsicName.MathAdd);
    return sum;
  },
};
