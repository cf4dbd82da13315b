/**
 * Answers what time the function sees, through each way of reading the clock, and whether the
 * rest of `Date` still behaves.
 */
const atInit = Date.now();

export const handler = async () => {
  const made = new Date();
  return {
    atInit,
    now: Date.now(),
    iso: made.toISOString(),
    called: Date(),
    isDate: made instanceof Date && new Date(0) instanceof Date,
    sameProto: Object.getPrototypeOf(made) === Date.prototype,
    parse: Date.parse('2024-01-01T00:00:00Z'),
    utc: Date.UTC(2024, 0, 1),
    fromArgs: new Date(2024, 0, 1).getTime(),
  };
};
