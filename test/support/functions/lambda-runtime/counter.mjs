/** The JavaScript twin of counter.ts: module state counts the invocations of one instance. */
let invocations = 0;

export const handler = async (event) => {
  invocations += 1;
  const seen = invocations;
  if (event.holdMs) await new Promise((resolve) => setTimeout(resolve, event.holdMs));
  return { language: 'javascript', pid: process.pid, invocations: seen, event };
};
