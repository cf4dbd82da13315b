import { createHash } from 'node:crypto';
import { ArgType, IntrinsicName, invalidArguments, type IntrinsicSpec } from '../spec.ts';

const MAX_CHARS = 10000;

/** The algorithm names AWS accepts (case-sensitive) and Node's names for them. */
export const HashAlgorithm = {
  'MD5': 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
} as const;
export type HashAlgorithm = keyof typeof HashAlgorithm;

function isHashAlgorithm(name: string): name is HashAlgorithm {
  return Object.prototype.hasOwnProperty.call(HashAlgorithm, name);
}

/**
 * `States.Hash(data, algorithm)`: lowercase hex digest of the UTF-8 bytes of `data` (at most
 * 10,000 characters). AWS hashes a non-string `data` as its JSON text rather than refusing it.
 */
export const hash: IntrinsicSpec = {
  name: IntrinsicName.Hash,
  params: [ArgType.Any, ArgType.String],
  required: 2,
  evaluate({ values }) {
    const data = typeof values[0] === 'string' ? values[0] : JSON.stringify(values[0]);
    const algorithm = values[1] as string;
    if (data.length > MAX_CHARS || !isHashAlgorithm(algorithm)) throw invalidArguments(IntrinsicName.Hash);
    return createHash(HashAlgorithm[algorithm]).update(data, 'utf8').digest('hex');
  },
};
