import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';
import { truncate } from '../values.ts';

const MAX_ITEMS = 1000;

/**
 * `States.ArrayRange(first, last, step)`: `first`, `first + step`, ... up to and including `last`.
 * The step must not be zero and the result holds at most 1000 items. Fractional arguments are
 * cut towards zero, as observed on AWS (the docs say "rounded").
 */
export const arrayRange: IntrinsicSpec = {
  name: IntrinsicName.ArrayRange,
  params: [ArgType.Number, ArgType.Number, ArgType.Number],
  required: 3,
  evaluate({ values }) {
    const [first, last, step] = (values as number[]).map(truncate);
    if (step === 0) throw invalidArguments(IntrinsicName.ArrayRange);
    const count = Math.floor((last - first) / step) + 1;
    if (count <= 0) return [];
    if (count > MAX_ITEMS) throw invalidArguments(IntrinsicName.ArrayRange);
    return Array.from({ length: count }, (_, i) => first + i * step);
  },
};
