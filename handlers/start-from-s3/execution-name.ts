/**
 * Deterministic execution names for S3 objects. Step Functions names are 1-80 characters and may
 * not contain whitespace, `< > { } [ ]`, `? *`, `" # % \ ^ | ~ ` $ & , ; : /` or control
 * characters; we keep to `[A-Za-z0-9._-]`, which is also safe in ARNs, URLs and log queries.
 */
import { createHash } from 'node:crypto';
import type { S3ObjectCreated } from './schema.ts';

export const MAX_EXECUTION_NAME_LENGTH = 80;
const HASH_LENGTH = 16;

/**
 * The one name an object version's execution gets: a readable `bucket-key-version` prefix, cut to
 * fit, plus a hash of the exact bucket, key and version (or sequencer) — the readable part alone
 * would collide, since cleaning and cutting are lossy.
 *
 * @example
 * executionName({ bucket: 'reports', key: 'q3/sales.csv', versionId: 'v1' });
 * // 'reports-q3_sales.csv-v1-3f0a...' (always ≤ 80 characters)
 */
export function executionName(object: S3ObjectCreated): string {
  const version = object.versionId ?? object.sequencer ?? '';
  const hash = createHash('sha256').update(JSON.stringify([object.bucket, object.key, version])).digest('hex').slice(0, HASH_LENGTH);
  const readable = [object.bucket, object.key, version]
    .filter((part) => part !== '')
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, MAX_EXECUTION_NAME_LENGTH - HASH_LENGTH - 1)
    .replace(/[-_.]+$/, '');
  return readable ? `${readable}-${hash}` : hash;
}

/** True when `name` is a name StartExecution accepts. */
export function isValidExecutionName(name: string): boolean {
  return name.length >= 1 && name.length <= MAX_EXECUTION_NAME_LENGTH && /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]+$/.test(name);
}
