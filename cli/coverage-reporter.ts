/**
 * A jest reporter for state machine coverage: it clears the records of the last run when the run
 * starts and, when it ends, merges what the test environments collected (engine/coverage/collect.ts)
 * into reports under coverage/longhaul/ and prints one line per definition.
 *
 * Options (`['<rootDir>/cli/coverage-reporter.ts', { threshold: 80 }]`): `threshold` (percent;
 * LONGHAUL_COVERAGE_THRESHOLD overrides it) fails the run when a definition is below it;
 * `include` (state machine names; default all collected); `dir`; `sources` (state machine name ->
 * ASL file). A run whose tests started no collected execution
 * (a single unit test file, say) writes nothing.
 *
 * In a project that installed the package it is `longhaul/testing/coverage-reporter`, fed by
 * `createTestEnvironment({ coverage: true })`.
 *
 * @example
 * // jest.config.js
 * export default {
 *   reporters: ['default', ['longhaul/testing/coverage-reporter', { include: ['example-job'], threshold: 80 }]],
 * };
 */
import { relative } from 'node:path';
import { clearCoverage, coverageDir, readCoverage } from '../engine/coverage/collect.ts';
import { writeReports, type ReportOptions } from '../engine/coverage/output.ts';
import { briefReport } from '../engine/coverage/reports.ts';

export interface CoverageReporterOptions {
  threshold?: number;
  /** the state machine names to report (default: every one collected) */
  include?: string[];
  dir?: string;
  sources?: Record<string, string>;
}

/** The threshold in force: LONGHAUL_COVERAGE_THRESHOLD, else the reporter's option. */
export function thresholdOf(options: CoverageReporterOptions, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const fromEnv = env.LONGHAUL_COVERAGE_THRESHOLD;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isFinite(n)) throw new Error(`LONGHAUL_COVERAGE_THRESHOLD must be a number, not ${JSON.stringify(fromEnv)}`);
    return n;
  }
  return options.threshold;
}

export default class CoverageReporter {
  private readonly options: CoverageReporterOptions;
  private error: Error | undefined;

  constructor(_globalConfig: unknown, options: CoverageReporterOptions = {}) {
    this.options = options;
  }

  private get dir(): string {
    return this.options.dir ?? coverageDir();
  }

  onRunStart(): void {
    clearCoverage(this.dir);
  }

  onRunComplete(): void {
    const include = this.options.include;
    const collected = readCoverage(this.dir).filter((c) => !include || include.includes(c.coverage.name));
    if (collected.length === 0) return;
    const opts: ReportOptions = { dir: this.dir, sources: this.options.sources, threshold: thresholdOf(this.options) };
    const { failures } = writeReports(collected, opts);
    const where = relative(process.cwd(), this.dir) || '.';
    process.stderr.write(`\nState machine coverage (${where}/index.html, summary.txt, lcov.info):\n${briefReport(collected.map((c) => c.coverage))}`);
    if (failures.length) {
      this.error = new Error(`State machine coverage below ${opts.threshold}%: ${failures.join('; ')}`);
      process.stderr.write(`${this.error.message}\n`);
    }
  }

  /** Jest fails the run when a reporter reports an error. */
  getLastError(): Error | undefined {
    return this.error;
  }
}
