import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createTestEnvironment, type TestEnvironment } from 'longhaul/testing';
import { matchers } from 'longhaul/testing/jest';
import { CHECK_INTERVAL_SECONDS, exampleJob, type SubstitutionName } from '../workflows/example-job.ts';
import { checkJob, JobServiceUnavailable, type JobStatus } from '../handlers/check-job/check-job.ts';

expect.extend(matchers);

/** An in-memory job service: each job answers its statuses in turn (an Error is thrown), then the last one again. */
const answers = new Map<string, (JobStatus | Error)[]>();
async function statusOf(jobId: string): Promise<JobStatus> {
  const queue = answers.get(jobId) ?? ['DONE'];
  const next = queue.length > 1 ? queue.shift()! : queue[0];
  if (next instanceof Error) throw next;
  return next;
}

const substitutions: Record<SubstitutionName, string> = { CheckJobFunctionArn: 'check-job' };
let env: TestEnvironment;

beforeAll(async () => {
  env = await createTestEnvironment({
    stateMachines: { 'example-job': { file: 'asl/example-job.asl.json', substitutions } },
    functions: { 'check-job': (event) => checkJob(event as { jobId: string }, statusOf) },
    coverage: true, // read by the coverage reporter in jest.config.js
  });
});
afterAll(() => env.teardown());

test('asl/ holds the workflow as workflows/ writes it (npm run asl)', () => {
  expect(JSON.parse(readFileSync('asl/example-job.asl.json', 'utf8'))).toEqual(exampleJob);
});

test('a job that runs for one check succeeds after two intervals of virtual time', async () => {
  answers.set('j-1', ['RUNNING', 'DONE']);

  const execution = await env.startAndWait('example-job', { jobId: 'j-1' });

  expect(execution).toHaveSucceededWith({ jobId: 'j-1', check: { status: 'DONE' } });
  expect(execution.stopMs! - execution.startMs).toBe(2 * CHECK_INTERVAL_SECONDS * 1000);
});

test('an unavailable job service is asked again after a back-off', async () => {
  answers.set('j-2', [new JobServiceUnavailable('502'), 'DONE']);

  const execution = await env.startAndWait('example-job', { jobId: 'j-2' });

  expect(execution).toHaveRetried('CheckJob', 1);
  expect(execution).toHaveVisited('Done');
});

test('a failed job ends the execution at Failed', async () => {
  answers.set('j-3', ['FAILED']);

  const execution = await env.startAndWait('example-job', { jobId: 'j-3' });

  expect(execution.status).toBe('FAILED');
  expect(execution.error).toBe('JobFailed');
});

test('a check that fails otherwise is caught, and the execution ends at Failed', async () => {
  answers.set('j-4', [new Error('the job service answered nonsense')]);

  const execution = await env.startAndWait('example-job', { jobId: 'j-4' });

  expect(execution).toHaveBeenCaughtAt('Failed', 'Error');
  expect(execution.status).toBe('FAILED');
});
