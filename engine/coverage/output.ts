/**
 * Writing the coverage reports of a run: summary.txt, coverage.json, lcov.info and index.html
 * under the coverage folder, and the threshold verdict.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { belowThreshold } from './compute.ts';
import type { CollectedCoverage } from './collect.ts';
import { htmlReport, jsonReport, lcovReport, textReport, type CoverageSource } from './reports.ts';

export interface ReportOptions {
  /** the folder the reports go to */
  dir: string;
  /**
   * state machine name -> its ASL file, which lcov and the HTML page point at; default
   * `asl/<name>.asl.json` when it exists, else the definition as run, written under `<dir>/definitions/`
   */
  sources?: Record<string, string>;
  /** percent of items covered that each definition must reach (default: none) */
  threshold?: number;
  /** the folder lcov paths are relative to (default: the working directory) */
  root?: string;
}

export interface ReportResult {
  summary: string;
  /** the definitions below the threshold, as messages */
  failures: string[];
  files: string[];
}

/**
 * Writes every report for the collected coverage and says which definitions fall below the threshold.
 *
 * @example
 * const { summary, failures } = writeReports(readCoverage(), { dir: coverageDir(), threshold: 80 });
 */
export function writeReports(collected: readonly CollectedCoverage[], opts: ReportOptions): ReportResult {
  const root = resolve(opts.root ?? '.');
  mkdirSync(opts.dir, { recursive: true });
  const sources = new Map<string, CoverageSource>();
  for (const c of collected) {
    const { name, hash } = c.coverage;
    const named = opts.sources?.[name] ?? join(root, 'asl', `${name}.asl.json`);
    let file = resolve(root, named);
    let text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (text === undefined || opts.sources?.[name] === undefined && !sameStates(text, c.text)) {
      // the definition as it ran, pretty-printed, so that each state has its own line
      file = join(opts.dir, 'definitions', `${name}-${hash.slice(0, 8)}.asl.json`);
      text = JSON.stringify(c.definition, null, 2) + '\n';
      mkdirSync(join(opts.dir, 'definitions'), { recursive: true });
      writeFileSync(file, text);
    }
    sources.set(hash, { definition: c.definition, file: relative(root, file), text });
  }
  const covs = collected.map((c) => c.coverage);
  const files = {
    'summary.txt': textReport(covs),
    'coverage.json': jsonReport(covs),
    'lcov.info': lcovReport(covs, sources),
    'index.html': htmlReport(covs, sources),
  };
  for (const [f, body] of Object.entries(files)) writeFileSync(join(opts.dir, f), body);
  return {
    summary: files['summary.txt'],
    failures: opts.threshold === undefined ? [] : belowThreshold(covs, opts.threshold),
    files: Object.keys(files).map((f) => join(opts.dir, f)),
  };
}

/** Whether an ASL file declares the same states as the definition that ran (a stale or other file would point at wrong lines). */
function sameStates(fileText: string, ranText: string): boolean {
  try {
    const names = (t: string) => JSON.stringify(Object.keys((JSON.parse(t) as { States: object }).States).sort());
    return names(fileText) === names(ranText);
  } catch {
    return false;
  }
}
