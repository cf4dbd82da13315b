/**
 * The upload rule that starts report-etl, as the hand-wired test config (test/e2e/fixtures/hand-wired) and infra/ write it: every
 * object created in the reports bucket but the nightly exports, which nightly-export writes into
 * the same bucket and which are no reports to load.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { matchesEventPattern, type EventPattern } from '../../../../local/triggers/event-pattern.ts';
import { NIGHTLY_EXPORT_DEFAULTS } from '../../../../workflows/nightly-export.ts';
import { buildLonghaul } from '../../../infra/support.ts';

const config = JSON.parse(readFileSync(new URL('../../../e2e/fixtures/hand-wired/longhaul.config.json', import.meta.url), 'utf8')) as { rules: { name: string; eventPattern: EventPattern }[] };
const localPattern = config.rules.find((r) => r.name === 'report-uploaded')!.eventPattern;

const created = (bucket: string, key: string) => ({
  version: '0', source: 'aws.s3', 'detail-type': 'Object Created', account: '123456789012', region: 'us-east-1', time: '2026-12-06T02:00:00Z',
  resources: [`arn:aws:s3:::${bucket}`], detail: { bucket: { name: bucket }, object: { key, size: 10 } },
});

describe('the report upload rule', () => {
  it.each([
    ['a report', 'q3/sales.csv', true],
    ['a report at the top of the bucket', 'sales.csv', true],
    ['a nightly export', `${NIGHTLY_EXPORT_DEFAULTS.exportPrefix}2026-12-05.json`, false],
  ])('locally, starts report-etl for %s: %s', (_, key, starts) => {
    // Assess
    expect(matchesEventPattern(localPattern, created('reports', key))).toBe(starts);
  });

  it('deployed, skips the same prefix', () => {
    // Prepare
    const { reportEtl } = buildLonghaul();

    // Assess
    Template.fromStack(reportEtl).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { object: { key: [{ 'anything-but': { prefix: NIGHTLY_EXPORT_DEFAULTS.exportPrefix } }] } } },
    });
  });
});
