/** DescribeMapRun, ListMapRuns and UpdateMapRun: a Distributed Map's Map Runs. */
import type { MapRunRow } from '../../engine.ts';
import { checkArn, executionArn, ResourceType } from '../arns.ts';
import type { Action } from '../protocol.ts';
import { epochSeconds, optionalInt, pageSize, pageToken, readPageToken, requiredString, validationError } from '../protocol.ts';

function mapRunArn(arn: string): string {
  checkArn(arn, [ResourceType.MapRun]);
  return arn;
}

function description(r: MapRunRow): Record<string, unknown> {
  return {
    mapRunArn: r.arn, executionArn: r.executionArn, status: r.status, startDate: epochSeconds(r.startMs),
    ...(r.stopMs !== null && { stopDate: epochSeconds(r.stopMs) }),
    maxConcurrency: r.maxConcurrency, toleratedFailurePercentage: r.toleratedFailurePercentage, toleratedFailureCount: r.toleratedFailureCount,
    itemCounts: r.itemCounts, executionCounts: r.executionCounts,
    redriveCount: r.redriveCount, ...(r.redriveMs !== null && { redriveDate: epochSeconds(r.redriveMs) }),
  };
}

export const describeMapRun: Action = (req, { engine }) => description(engine.describeMapRun(mapRunArn(requiredString(req, 'mapRunArn', 2000))));

export const listMapRuns: Action = (req, { engine }) => {
  const runs = engine.listMapRuns(executionArn(requiredString(req, 'executionArn', 256)));
  const size = pageSize(req);
  const from = readPageToken(req.nextToken as string | undefined, (v): v is number => typeof v === 'number') ?? 0;
  const page = runs.slice(from, from + size);
  return {
    mapRuns: page.map((r) => ({
      executionArn: r.executionArn, mapRunArn: r.arn, stateMachineArn: r.executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
      startDate: epochSeconds(r.startMs), ...(r.stopMs !== null && { stopDate: epochSeconds(r.stopMs) }),
    })),
    ...(from + size < runs.length && { nextToken: pageToken(from + size) }),
  };
};

export const updateMapRun: Action = (req, { engine }) => {
  const arn = mapRunArn(requiredString(req, 'mapRunArn', 2000));
  const maxConcurrency = optionalInt(req, 'maxConcurrency', 0, 10_000);
  const toleratedFailureCount = optionalInt(req, 'toleratedFailureCount', 0, 100_000_000);
  const p = req.toleratedFailurePercentage;
  if (p !== undefined && p !== null && (typeof p !== 'number' || p < 0 || p > 100)) {
    throw validationError(`Value '${String(p)}' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value between 0 and 100`);
  }
  if (maxConcurrency === undefined && toleratedFailureCount === undefined && (p === undefined || p === null)) {
    throw validationError('Must specify at least one of maxConcurrency, toleratedFailureCount or toleratedFailurePercentage');
  }
  engine.updateMapRun(arn, { maxConcurrency, toleratedFailureCount, toleratedFailurePercentage: typeof p === 'number' ? p : undefined });
  return {};
};
