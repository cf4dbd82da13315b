/**
 * The commands that drive a running local stack (`longhaul serve`) through the AWS SDK, as a
 * user's own code would: upload a report, start an execution with JSON input, re-run or redrive a
 * past one, list executions, show one with its history.
 */
import { readFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  SFNClient, DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand,
  RedriveExecutionCommand, StartExecutionCommand, type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { S3Client, PutObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { historyLines } from './history-lines.ts';
import { followExecution } from './follow.ts';

export interface Endpoints {
  api: string;
  services: string;
  /** the bucket the stack's upload rule watches: `upload`'s default bucket */
  uploadBucket?: string;
  /** every bucket the stack created */
  buckets?: string[];
  /** a served app's stack outputs, by stack name then output id */
  outputs?: Record<string, Record<string, string>>;
}

/** Where `longhaul serve` records its endpoints for the other commands. */
export function endpointsFile(dataDir: string): string {
  return join(dataDir, 'endpoints.json');
}

const credentials = { accessKeyId: 'longhaul', secretAccessKey: 'longhaul' };
const region = 'us-east-1';

export function readEndpoints(opts: { data: string; endpoint?: string }): Endpoints {
  const file = endpointsFile(opts.data);
  const recorded = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Endpoints) : undefined;
  const api = opts.endpoint ?? recorded?.api;
  if (!api) throw new CliError(`no local stack found: start one with \`npm run longhaul -- serve --data ${opts.data}\`, or pass --endpoint`);
  return { ...recorded, api, services: recorded?.services ?? '' };
}

/** A mistake in how a command was called: printed without a stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export function sfnClient(e: Endpoints): SFNClient {
  return new SFNClient({ endpoint: e.api, region, credentials });
}
const sfn = sfnClient;

/**
 * The execution an upload started: the newest one, started since `sinceMs`, whose input names
 * the object. The upload → rule → start-from-s3 path takes a moment, so this asks for a while.
 */
export async function findUploadExecution(client: SFNClient, object: { bucket: string; key: string }, sinceMs: number, timeoutMs = 15_000): Promise<string | undefined> {
  const give = Date.now() + timeoutMs;
  const seen = new Set<string>();
  while (Date.now() < give) {
    const { stateMachines = [] } = await client.send(new ListStateMachinesCommand({}));
    for (const m of stateMachines) {
      const { executions = [] } = await client.send(new ListExecutionsCommand({ stateMachineArn: m.stateMachineArn, maxResults: 20 }));
      for (const x of executions) {
        // a second of slack: the API's dates have millisecond precision, the engine's clock may differ by rounding
        if (seen.has(x.executionArn!) || (x.startDate?.getTime() ?? 0) < sinceMs - 1000) continue;
        seen.add(x.executionArn!);
        const d = await client.send(new DescribeExecutionCommand({ executionArn: x.executionArn }));
        const input = JSON.parse(d.input ?? '{}') as { bucket?: string; key?: string };
        if (input.bucket === object.bucket && input.key === object.key) return x.executionArn;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

/** Follows an execution and sets the exit code from its outcome. */
async function follow(client: SFNClient, executionArn: string): Promise<void> {
  const r = await followExecution(client, executionArn);
  console.log(`${r.status}${r.error ? `: ${r.error}` : ''}${r.cause ? ` (${r.cause})` : ''}`);
  if (r.status !== 'SUCCEEDED') process.exitCode = 1;
}

async function machineArn(client: SFNClient, nameOrArn: string): Promise<string> {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  const { stateMachines = [] } = await client.send(new ListStateMachinesCommand({}));
  const sm = stateMachines.find((m) => m.name === nameOrArn);
  if (!sm) throw new CliError(`no state machine named ${nameOrArn}; there are: ${stateMachines.map((m) => m.name).join(', ') || 'none'}`);
  return sm.stateMachineArn!;
}

/**
 * Puts a file into the local S3 (creating the bucket if need be) and answers the execution the
 * upload started, with the time of the upload.
 */
export async function uploadReport(e: Endpoints, client: SFNClient, file: string, object: { bucket: string; key: string }): Promise<{ executionArn: string; uploadedAt: number }> {
  if (!e.services) throw new CliError('the local stack recorded no S3 endpoint');
  const s3 = new S3Client({ endpoint: e.services, region, credentials, forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: object.bucket })).catch(() => undefined);
    const uploadedAt = Date.now();
    await s3.send(new PutObjectCommand({ Bucket: object.bucket, Key: object.key, Body: readFileSync(file) }));
    const executionArn = await findUploadExecution(client, object, uploadedAt);
    if (!executionArn) throw new CliError(`no execution started for s3://${object.bucket}/${object.key} within 15 s: does a rule of the served stack take uploads to this bucket?`);
    return { executionArn, uploadedAt };
  } finally {
    s3.destroy();
  }
}

/** `longhaul upload FILE`: puts a report into the local S3; the upload rule starts its execution. */
export async function upload(e: Endpoints, file: string, opts: { bucket?: string; key?: string; follow?: boolean }): Promise<void> {
  const client = sfn(e);
  try {
    // the served stack's upload bucket: an app's reports bucket has a generated name
    const bucket = opts.bucket ?? e.uploadBucket ?? 'reports';
    const key = opts.key ?? `reports/${basename(file)}`;
    const { executionArn } = await uploadReport(e, client, file, { bucket, key });
    console.log(`uploaded s3://${bucket}/${key}\n${executionArn}`);
    if (opts.follow) await follow(client, executionArn);
  } finally {
    client.destroy();
  }
}

/** `longhaul start MACHINE --input JSON`: a manual start. */
export async function start(e: Endpoints, machine: string, opts: { input?: string; inputFile?: string; name?: string; follow?: boolean }): Promise<void> {
  const input = opts.inputFile ? readFileSync(opts.inputFile, 'utf8') : opts.input ?? '{}';
  try {
    JSON.parse(input);
  } catch {
    throw new CliError('the input is not valid JSON');
  }
  const client = sfn(e);
  try {
    const stateMachineArn = await machineArn(client, machine);
    const r = await client.send(new StartExecutionCommand({ stateMachineArn, input, name: opts.name }));
    console.log(r.executionArn);
    if (opts.follow) await follow(client, r.executionArn!);
  } finally {
    client.destroy();
  }
}

/** `longhaul rerun ARN`: a new execution of the same state machine with the same input. */
export async function rerun(e: Endpoints, executionArn: string, opts: { name?: string }): Promise<void> {
  const client = sfn(e);
  try {
    const d = await client.send(new DescribeExecutionCommand({ executionArn }));
    const r = await client.send(new StartExecutionCommand({ stateMachineArn: d.stateMachineArn, input: d.input, name: opts.name }));
    console.log(r.executionArn);
  } finally {
    client.destroy();
  }
}

/** `longhaul redrive ARN`: continues a failed execution from the states that failed. */
export async function redrive(e: Endpoints, executionArn: string): Promise<void> {
  const client = sfn(e);
  try {
    const r = await client.send(new RedriveExecutionCommand({ executionArn }));
    console.log(`redriven at ${r.redriveDate?.toISOString()}: ${executionArn}`);
  } finally {
    client.destroy();
  }
}

/** `longhaul list [MACHINE]`: executions, newest first. */
export async function list(e: Endpoints, machine: string | undefined, opts: { status?: string }): Promise<void> {
  const client = sfn(e);
  try {
    const machines = machine
      ? [await machineArn(client, machine)]
      : ((await client.send(new ListStateMachinesCommand({}))).stateMachines ?? []).map((m) => m.stateMachineArn!);
    for (const stateMachineArn of machines) {
      const r = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: opts.status as never, maxResults: 100 }));
      for (const x of r.executions ?? []) {
        console.log(`${x.startDate?.toISOString()}  ${x.status?.padEnd(9)}  ${x.executionArn}`);
      }
    }
  } finally {
    client.destroy();
  }
}

/** `longhaul show ARN`: status, input/output or error, and the history. */
export async function show(e: Endpoints, executionArn: string): Promise<void> {
  const client = sfn(e);
  try {
    const d = await client.send(new DescribeExecutionCommand({ executionArn }));
    console.log(`${d.name}  ${d.status}  started ${d.startDate?.toISOString()}${d.stopDate ? `, stopped ${d.stopDate.toISOString()}` : ''}${d.redriveCount ? `, redriven ${d.redriveCount}x` : ''}`);
    console.log(`input:  ${d.input}`);
    if (d.output !== undefined) console.log(`output: ${d.output}`);
    if (d.error !== undefined || d.cause !== undefined) console.log(`error:  ${d.error ?? '-'}\ncause:  ${d.cause ?? '-'}`);
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: false }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    for (const line of historyLines(events.map((ev) => ({ ...ev, timestamp: ev.timestamp?.getTime() ?? 0 })))) console.log(line);
  } finally {
    client.destroy();
  }
}
