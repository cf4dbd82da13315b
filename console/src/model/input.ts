/** Checks JSON a user typed (execution input, a task's output) before anything is sent. */

/** 256 KiB: the largest input or output Step Functions accepts, in UTF-8 bytes. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export type JsonCheck = { ok: true; text: string } | { ok: false; message: string };

/**
 * `text` when it is one JSON value within the payload limit; otherwise a message that says what
 * is wrong and where. Blank text is `{}` when `blankIs` says so (StartExecution's default input).
 */
export function checkJson(text: string, what: string, blankIs?: string): JsonCheck {
  const source = text.trim() === '' && blankIs !== undefined ? blankIs : text;
  try {
    JSON.parse(source);
  } catch (e) {
    return { ok: false, message: `${what} is not valid JSON: ${(e as Error).message}` };
  }
  const bytes = new TextEncoder().encode(source).length;
  if (bytes > MAX_PAYLOAD_BYTES) return { ok: false, message: `${what} is ${bytes} bytes; Step Functions accepts at most ${MAX_PAYLOAD_BYTES}.` };
  return { ok: true, text: source };
}
