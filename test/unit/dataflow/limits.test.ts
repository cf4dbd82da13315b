import { describe, expect, it } from '@jest/globals';
import { DataLimitExceeded } from '../../../engine/errors.ts';
import { MAX_PAYLOAD_BYTES, payloadSizeError } from '../../../engine/dataflow/index.ts';

describe('payloadSizeError', () => {
  const quoted = (body: string) => JSON.stringify(body);
  it.each<[string, string]>([
    ['a small payload', '{"a":1}'],
    ['a payload of exactly 256 KiB', quoted('x'.repeat(MAX_PAYLOAD_BYTES - 2))],
    ['a payload of 256 KiB counted in UTF-8 bytes', quoted('é'.repeat((MAX_PAYLOAD_BYTES - 2) / 2))],
  ])('lets %s pass', (_, text) => {
    // Act / Assess
    expect(payloadSizeError(text, 'S')).toBeUndefined();
  });

  it.each<[string, string]>([
    ['one byte over 256 KiB', quoted('x'.repeat(MAX_PAYLOAD_BYTES - 1))],
    ['multi-byte characters over 256 KiB in UTF-8 though not in characters', quoted('é'.repeat(MAX_PAYLOAD_BYTES / 2))],
  ])('fails States.DataLimitExceeded for %s, naming the state', (_, text) => {
    // Act
    const err = payloadSizeError(text, 'Big');
    // Assess
    expect(err).toBeInstanceOf(DataLimitExceeded);
    expect(err).toMatchObject({
      error: 'States.DataLimitExceeded',
      causeText: "The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit.",
    });
  });
});
