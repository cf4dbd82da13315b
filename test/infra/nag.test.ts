import { describe, expect, it } from '@jest/globals';
import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IConstruct } from 'constructs';
import { buildLonghaul } from './support.ts';

/** Acknowledgements as CDK records them: metadata entries of `{ [ruleId]: reason }`. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: unknown }[] {
  return root.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, unknown>))
    .map(([id, reason]) => ({ path: c.node.path, id, reason })));
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing that is not acknowledged, in every stack', () => {
    // Prepare
    const { app } = buildLonghaul({ alarmEmail: 'oncall@example.com', queueDrainSchedule: 'rate(1 hour)' });

    // Act
    const assembly = app.synth();

    // Assess
    const reportFile = join(assembly.directory, 'validation-report.json');
    const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
    const violations = report.pluginReports.flatMap((p: { violations: unknown[] }) => p.violations);
    expect(violations).toEqual([]);
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['longhaul-nightly-export', 'longhaul-queue-drain', 'longhaul-report-etl']);
  });

  it('gives a reason with every acknowledgement', () => {
    const { app } = buildLonghaul();

    const acks = acknowledgements(app);

    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/AwsSolutions-/);
      expect(typeof ack.reason === 'string' && ack.reason.length > 40).toBe(true);
    }
  });

  it('is really checking: an unacknowledged finding fails synthesis', () => {
    const { app, queueDrain } = buildLonghaul();
    new secretsmanager.Secret(queueDrain, 'Unrotated');

    expect(() => app.synth()).toThrow(/AwsSolutions-SMG4/);
  });
});
