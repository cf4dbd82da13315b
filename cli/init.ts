/**
 * `longhaul init [dir]`: a new long-job project from the templates the package ships
 * (templates/init): workflows/, asl/, handlers/, infra/, test/ and a package.json that depends on
 * the longhaul that runs it, with the test tools at the versions this kit is tested with.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { CliError } from './remote.ts';

export interface InitOptions {
  /** overwrite into a folder that is not empty */
  force?: boolean;
  /** the `longhaul` dependency's spec (default: as the project init runs from has it, else `^<this version>`) */
  longhaul?: string;
  /** commander's `--no-infra`: leave out infra/ and the CDK dependencies */
  infra?: boolean;
}

/** What only the CDK app needs: left out by `--no-infra`. */
const INFRA_ONLY = /^(infra(\/|$)|cdk\.json$|test\/infra\.test\.ts$)/;

/** The package's root: two folders above dist/cli/init.js, one above cli/init.ts in the repository. */
function packageRoot(): string {
  const fromSource = resolve(import.meta.dirname, '..');
  return existsSync(join(fromSource, 'templates')) ? fromSource : resolve(import.meta.dirname, '../..');
}

/** The test and CDK tools the scaffold needs, at this kit's own versions: what it is tested with (and likely in the npm cache). */
const TEST_TOOLS = ['@jest/globals', '@swc/core', '@swc/jest', '@types/node', 'jest', 'typescript'] as const;
const INFRA_TOOLS = ['aws-cdk-lib', 'constructs', 'esbuild'] as const;

function packageJson(name: string, kit: { version: string; devDependencies: Record<string, string> }, opts: InitOptions): object {
  const tools = [...TEST_TOOLS, ...(opts.infra === false ? [] : INFRA_TOOLS)].sort();
  const devDependencies: Record<string, string> = { longhaul: opts.longhaul ?? installedSpec(process.cwd()) ?? `^${kit.version}` };
  for (const tool of tools) devDependencies[tool] = kit.devDependencies[tool];
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=24' },
    scripts: {
      test: "NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' jest",
      asl: 'node workflows/emit.ts',
      typecheck: 'tsc --noEmit -p .',
      ...(opts.infra === false ? {} : { synth: 'npx aws-cdk synth' }),
    },
    allowScripts: { '@swc/core': true, ...(opts.infra === false ? {} : { esbuild: true }) },
    devDependencies: Object.fromEntries(Object.entries(devDependencies).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** Writes the scaffold into `dir`; returns the files written, relative to it. */
export function init(dir: string, opts: InitOptions = {}): string[] {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0 && !opts.force) {
    throw new CliError(`${target} is not empty: choose an empty folder, or --force to write into it anyway`);
  }
  const root = packageRoot();
  const templates = join(root, 'templates/init');
  const kit = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
  const name = basename(target).toLowerCase().replace(/[^a-z0-9-_.]/g, '-');

  mkdirSync(target, { recursive: true });
  cpSync(templates, target, {
    recursive: true,
    force: true,
    filter: (src) => opts.infra !== false || !INFRA_ONLY.test(relative(templates, src).replaceAll('\\', '/')),
  });
  // npm leaves a .gitignore out of a package: the template carries it without the dot
  renameSync(join(target, 'gitignore'), join(target, '.gitignore'));
  writeFileSync(join(target, 'README.md'), readFileSync(join(target, 'README.md'), 'utf8').replaceAll('{{name}}', name));
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(packageJson(name, kit, opts), null, 2)}\n`);
  const written = files(templates).map((f) => f.slice(templates.length + 1).replace(/^gitignore$/, '.gitignore'));
  return [...written.filter((f) => opts.infra !== false || !INFRA_ONLY.test(f)), 'package.json'].sort();
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * How the project `init` is run from got longhaul (its nearest package.json naming it): the new
 * project takes the same, so `npx longhaul init` from a project that installed a tarball or a
 * folder gives one that installs the same way. A `file:` spec is made absolute, as the new
 * project sits elsewhere.
 */
function installedSpec(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      const spec = pkg.dependencies?.longhaul ?? pkg.devDependencies?.longhaul;
      if (spec !== undefined) return spec.startsWith('file:') ? `file:${resolve(dir, spec.slice('file:'.length))}` : spec;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
