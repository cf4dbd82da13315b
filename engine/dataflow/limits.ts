/** The payload limit a state's output and a task's result must keep. */
import { DataLimitExceeded } from '../errors.ts';

/** 256 KiB: the largest payload a state may pass on, counted in UTF-8 bytes. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * States.DataLimitExceeded when `text` (a payload's JSON text) is over MAX_PAYLOAD_BYTES;
 * `what` names the state or task in the cause. Undefined when it fits.
 */
export function payloadSizeError(text: string, what: string): DataLimitExceeded | undefined {
  // the byte count is only worth taking when three bytes per character could pass the limit
  if (text.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
    return new DataLimitExceeded(`The state/task '${what}' returned a result with a size exceeding the maximum number of bytes service limit.`);
  }
  return undefined;
}
