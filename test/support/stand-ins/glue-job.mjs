/**
 * A Glue job run for `glue:startJobRun.sync`: the start answers a JobRunId at once (TaskSubmitted),
 * the run ends after `Arguments["--minutes"]` (default 40) minutes of the engine's clock.
 */
export async function handler(parameters, context) {
  const Id = `jr_${context.now()}`;
  context.submitted({ JobRunId: Id });
  const minutes = Number(parameters.Arguments?.['--minutes'] ?? 40);
  await context.sleep(minutes * 60_000);
  return { JobName: parameters.JobName, Id, JobRunState: 'SUCCEEDED', ExecutionTime: minutes * 60 };
}
