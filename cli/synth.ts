/**
 * The project's CDK app synthesized on demand: `npm start`, `longhaul serve` and the whole-stack
 * tests run the stacks infra/ defines, so they need a cloud assembly that matches the sources.
 * A hash of what the assembly is built from (infra/, asl/, handlers/, workflows/, the lock file,
 * cdk.json) is kept in it; a missing or different hash means synthesize again.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What a synthesized assembly of this project is built from. */
const SOURCES = ['infra', 'asl', 'handlers', 'workflows', 'package-lock.json', 'cdk.json'] as const;
const HASH_FILE = 'longhaul-sources.sha256';

/** A hash of every source file the assembly is built from (tests and READMEs included: cheap, and never stale). */
export function appSourceHash(root: string = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules') visit(join(path, entry));
      return;
    }
    hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const s of SOURCES) visit(join(root, s));
  return hash.digest('hex');
}

/** Whether `out` holds an assembly of the current sources. */
export function isCurrent(out: string, hash: string = appSourceHash()): boolean {
  const file = join(out, HASH_FILE);
  return existsSync(join(out, 'manifest.json')) && existsSync(file) && readFileSync(file, 'utf8').trim() === hash;
}

/**
 * Synthesizes the project's app into `out` unless it already holds an assembly of the current
 * sources; `say` gets one line when it synthesizes, and why. The assembly is written beside `out`
 * and renamed into place, so a reader never sees half of one; a second process that wants it meanwhile
 * waits for the first one's (a lock folder beside `out`) rather than synthesizing again.
 *
 * @example
 * ensureSynthesized('cdk.out', (line) => console.log(line)); // "cdk.out is stale (infra/ ... changed): synthesizing the app..."
 */
export function ensureSynthesized(out: string, say: (line: string) => void = () => {}, root: string = PROJECT_ROOT): string {
  const target = resolve(root, out);
  const hash = appSourceHash(root);
  if (isCurrent(target, hash)) return target;
  // Jest's workers start together: one synthesizes while the others wait for its assembly (a synth takes both cores)
  const release = takeLock(`${target}.lock`, () => isCurrent(target, hash));
  if (!release) return target;
  try {
    if (isCurrent(target, hash)) return target;
    synthesize(target, hash, say, root);
  } finally {
    release();
  }
  return target;
}

/** A synth abandoned by a killed process leaves its lock; none takes longer than this. */
const STALE_LOCK_MS = 5 * 60_000;

/**
 * Takes a lock folder, waiting while another process holds it; answers its release, or undefined
 * when `done` came true while waiting (the holder made what was wanted).
 */
function takeLock(lock: string, done: () => boolean): (() => void) | undefined {
  mkdirSync(dirname(lock), { recursive: true });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
    if (done()) return undefined;
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    } catch {
      // released meanwhile
    }
    Atomics.wait(pause, 0, 0, 250);
  }
}

function synthesize(target: string, hash: string, say: (line: string) => void, root: string): void {
  say(`${relative(root, target) || target} is ${existsSync(join(target, 'manifest.json')) ? 'stale (infra/, asl/, handlers/ or workflows/ changed)' : 'missing'}: synthesizing the CDK app (npm run synth), some seconds...`);
  const temporary = `${target}.synth-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  const cdk = join(root, 'node_modules', '.bin', 'cdk');
  const r = spawnSync(cdk, ['synth', '--quiet', '--output', temporary], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(temporary, { recursive: true, force: true });
    throw new Error(`cdk synth failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  }
  writeFileSync(join(temporary, HASH_FILE), `${hash}\n`);
  rmSync(target, { recursive: true, force: true });
  try {
    renameSync(temporary, target);
  } catch (e) {
    // another process put a current one in place first
    rmSync(temporary, { recursive: true, force: true });
    if (!isCurrent(target, hash)) throw e;
  }
}
