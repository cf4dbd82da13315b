// A stand-in ETL job for the demo: it starts a job and reports it finished at the sixth status check.
export const handler = async (event) => {
  if (event.action === 'start') return { jobId: `etl-${event.report}` };
  return { status: event.polls >= 6 ? 'SUCCEEDED' : 'RUNNING' };
};
