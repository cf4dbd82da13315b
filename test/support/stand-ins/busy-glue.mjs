/** A Glue account at its concurrency limit: every start fails with Glue's own error name. */
export async function handler(parameters) {
  const error = new Error(`Job ${parameters.JobName} has too many concurrent runs`);
  error.name = 'Glue.ConcurrentRunsExceededException';
  throw error;
}
