/**
 * Appends one line to MARK_FILE as it starts (so a test sees it running and counts invocations),
 * takes SLEEP_MS, then returns its event.
 */
import { appendFileSync } from 'node:fs';

export const handler = async (event) => {
  appendFileSync(process.env.MARK_FILE, `${JSON.stringify(event)}\n`);
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLEEP_MS ?? 0)));
  return event;
};
