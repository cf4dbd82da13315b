/**
 * Runs the conformance runner (../shared/conformance/run.py) over the whole corpus and returns its
 * per-case verdicts. Shared by the guard test and `npm run conformance:record`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const RUNNER = resolve('../shared/conformance/run.py');
export const PASSING_FILE = resolve('test/conformance/passing.json');

export interface Verdict {
  id: string;
  kind: 'execution' | 'validation';
  result?: string;
  history?: string;
  validation?: string;
}

export interface Passing {
  results: string[];
  histories: string[];
  validations: string[];
}

export function runnerAvailable(): boolean {
  return existsSync(RUNNER) && spawnSync('python3', ['--version']).status === 0;
}

export function runConformance(): Verdict[] {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-conformance-report-'));
  try {
    const report = join(dir, 'report.json');
    // the runner starts the engine through `npm run --silent longhaul`, i.e. on Node 24
    const r = spawnSync('python3', [RUNNER, '--project', '.', '--json-report', report], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0 || !existsSync(report)) throw new Error(`conformance runner failed (${r.status}): ${r.stdout}\n${r.stderr}`);
    return (JSON.parse(readFileSync(report, 'utf8')) as { cases: Verdict[] }).cases;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function passingOf(verdicts: Verdict[]): Passing {
  const ids = (pred: (v: Verdict) => boolean) => verdicts.filter(pred).map((v) => v.id).sort();
  return {
    results: ids((v) => v.kind === 'execution' && v.result === 'match'),
    histories: ids((v) => v.kind === 'execution' && v.history === 'match'),
    validations: ids((v) => v.kind === 'validation' && v.validation === 'match'),
  };
}

export function readPassing(): Passing {
  return JSON.parse(readFileSync(PASSING_FILE, 'utf8')) as Passing;
}
