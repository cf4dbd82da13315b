/** Small deterministic steps for workflows that are killed and resumed. */
class Flaky extends Error {
  constructor(message) {
    super(message);
    this.name = 'Flaky';
  }
}

/** `{ n }` → `{ n: n + 1 }`, keeping the rest of the event. */
export const add = async (event) => ({ ...event, n: (event.n ?? 0) + 1 });

/** Fails with `Flaky` until the state's retry count (passed as `retry`) reaches 2. */
export const flaky = async (event) => {
  if (event.retry < 2) throw new Flaky(`attempt ${event.retry + 1} fails`);
  return { recovered: event.retry };
};
