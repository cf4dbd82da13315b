/**
 * `new java.util.Random(seed).nextInt(bound)`, bit for bit: Step Functions runs on the JVM, and a
 * seeded `States.MathRandom` is the one place where that shows in a result.
 */
const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

export function javaRandomNextInt(seed: number, bound: number): number {
  let state = (BigInt(seed) ^ MULTIPLIER) & MASK;
  const next = (bits: number): number => {
    state = (state * MULTIPLIER + ADDEND) & MASK;
    return Number(BigInt.asIntN(32, state >> BigInt(48 - bits)));
  };
  let r = next(31);
  const m = bound - 1;
  if ((bound & m) === 0) return Number((BigInt(bound) * BigInt(r)) >> 31n);
  for (let u = r; ((u - (r = u % bound) + m) | 0) < 0; u = next(31));
  return r;
}
