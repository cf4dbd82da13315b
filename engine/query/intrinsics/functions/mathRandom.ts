import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';
import { truncate } from '../values.ts';
import { javaRandomNextInt } from './javaRandom.ts';

/**
 * `States.MathRandom(start, end[, seed])`: an integer in [start, end). Bounds are cut towards zero
 * (observed on AWS) and `start` must be below `end`. With a seed the result is reproducible: it is
 * drawn as `java.util.Random(seed).nextInt(end - start)`; without one, from `env.random`.
 */
export const mathRandom: IntrinsicSpec = {
  name: IntrinsicName.MathRandom,
  params: [ArgType.Number, ArgType.Number, ArgType.Number],
  required: 2,
  evaluate({ values, env }) {
    const start = truncate(values[0] as number);
    const end = truncate(values[1] as number);
    if (start >= end) throw invalidArguments(IntrinsicName.MathRandom);
    const span = end - start;
    if (values.length === 3) {
      if (span > 0x7fffffff) throw invalidArguments(IntrinsicName.MathRandom);
      return start + javaRandomNextInt(truncate(values[2] as number), span);
    }
    if (env.random === undefined) {
      throw new Error('States.MathRandom without a seed needs env.random (randomness is injected, never Math.random)');
    }
    return start + Math.floor(env.random() * span);
  },
};
