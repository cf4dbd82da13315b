/**
 * This project's CDK app (infra/), synthesized once per change of its sources and shared by every
 * test file and run that needs it: the assembly lives under node_modules/.cache, keyed by the
 * sources' hash, so a test run synthesizes at most once and an unchanged tree not at all.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { appSourceHash, ensureSynthesized, PROJECT_ROOT } from '../../cli/synth.ts';

/** Long enough for a cold synth (esbuild bundles every handler) on a loaded 2-core machine. */
export const SYNTH_TIMEOUT_MS = 120_000;

/**
 * The path of a current cloud assembly of the project's app.
 *
 * @example
 * beforeAll(() => { app = projectApp(); }, SYNTH_TIMEOUT_MS);
 */
export function projectApp(): string {
  const cache = join(PROJECT_ROOT, 'node_modules', '.cache', 'longhaul');
  const name = `cdk.out-${appSourceHash().slice(0, 16)}`;
  const app = ensureSynthesized(join(cache, name), () => {}, PROJECT_ROOT);
  // assemblies of sources that have since changed are never read again
  for (const old of readdirSync(cache)) if (old.startsWith('cdk.out-') && !old.startsWith(name) && !old.includes('.synth-') && !old.endsWith('.lock')) rmSync(join(cache, old), { recursive: true, force: true });
  return app;
}
