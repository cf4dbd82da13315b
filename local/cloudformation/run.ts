/**
 * Runs a synthesized CDK app (`cdk.out`) or a plain CloudFormation template on the local stack:
 * the app is mapped onto a stack config (map-resources.ts), the files the config needs are written
 * to a work folder, and `startLocalStack` runs it. `longhaul serve --app cdk.out` and the test
 * environments start apps through here.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startLocalStack, type LocalStack, type StackConfig, type StackOptions } from '../stack.ts';
import { readCloudAssembly, readTemplateFile, type AppStack } from './assembly.ts';
import { mapApp, type MappedApp, type MappedResource } from './map-resources.ts';
import { applyOverlay, type AppOverlay } from './overlay.ts';

export interface CloudAppSource {
  /** a cloud assembly folder (`cdk.out`) */
  app?: string;
  /** a plain CloudFormation template (JSON) */
  template?: string;
  /** parameter values, over the templates' defaults */
  parameters?: Record<string, string>;
}

export interface CloudAppOptions extends CloudAppSource, Omit<StackOptions, 'config' | 'configDir'> {
  /**
   * where the resolved definitions and copied function folders go (default: `<dataDir>/cloudformation`,
   * or a fresh temporary folder without a data folder)
   */
  workDir?: string;
  /** a Step Functions Local MockConfigFile (absolute path), as `serve --mock-config` gives one */
  mockConfig?: string;
  /** what is local by nature, laid over the app (overlay.ts): the BI simulator's URL for the functions, secret values... */
  overlay?: AppOverlay;
  /**
   * a last change to the config the app maps to, before the stack starts: for tests that swap a
   * handler for a fixture or a definition for one with a lower bound
   */
  adjust?: (config: StackConfig, app: MappedApp) => StackConfig;
}

export interface CloudAppStack {
  stack: LocalStack;
  app: MappedApp;
  /** the config the stack runs: the app's, with the overlay laid over it */
  config: StackConfig;
  /** what of the overlay matched nothing in the app */
  unmatched: string[];
  /** the folder the config's relative paths start from */
  workDir: string;
}

/** The stacks of an app or a template. */
export function readApp(source: CloudAppSource): AppStack[] {
  if (source.app && source.template) throw new Error('give a cloud assembly (--app) or a template (--template), not both');
  if (source.app) return readCloudAssembly(source.app);
  if (source.template) return readTemplateFile(source.template);
  throw new Error('give a cloud assembly (--app cdk.out) or a template (--template FILE)');
}

/** Writes what a mapped app's config needs into `workDir`. */
export function writeMappedApp(app: MappedApp, workDir: string): void {
  for (const f of app.files) {
    mkdirSync(dirname(join(workDir, f.path)), { recursive: true });
    writeFileSync(join(workDir, f.path), f.content);
  }
  for (const c of app.copies) {
    cpSync(c.from, join(workDir, c.to), { recursive: true });
    writeFileSync(join(workDir, c.to, 'package.json'), c.packageJson);
  }
}

/**
 * Maps an app and starts the local stack with it.
 *
 * Caveat: keys of the mapped config that the running stack does not implement yet (topics,
 * subscriptions, schedules, HTTP APIs, secrets, event source mappings, queue options) are handed
 * over as they are.
 *
 * @example
 * const { stack, app } = await startCloudApp({ app: 'cdk.out', overlay: { environment: { BI_API_URL: '{{bi}}' } } });
 * console.log(describeResources(app.resources).join('\n'));
 * await stack.stop();
 */
export async function startCloudApp(opts: CloudAppOptions): Promise<CloudAppStack> {
  const app = mapApp(readApp(opts), { parameters: opts.parameters });
  const workDir = resolve(opts.workDir ?? (opts.dataDir ? join(opts.dataDir, 'cloudformation') : mkdtempSync(join(tmpdir(), 'longhaul-cfn-'))));
  mkdirSync(workDir, { recursive: true });
  writeMappedApp(app, workDir);
  const { app: _app, template: _template, parameters: _parameters, workDir: _workDir, mockConfig, overlay, adjust, ...stackOptions } = opts;
  const laid = applyOverlay(app, overlay ?? {});
  // the stack reads the secrets' values from here; rewritten at every start, so a value dropped from the overlay goes
  writeFileSync(join(workDir, 'longhaul.secrets.json'), `${JSON.stringify(laid.secretValues, null, 2)}\n`);
  const laidConfig: StackConfig = { ...laid.config, ...(mockConfig ? { mockConfig } : {}) };
  const config = adjust ? adjust(laidConfig, app) : laidConfig;
  const stack = await startLocalStack({ ...stackOptions, config, configDir: workDir });
  return { stack, app, config, unmatched: laid.unmatched, workDir };
}

const KIND_ORDER = { run: 0, needsNothing: 1, notRun: 2 } as const;

/**
 * What runs, what needs nothing locally (briefly) and what does not run (with why), grouped by type:
 * the lines `serve --app` prints once at start.
 */
export function describeResources(resources: readonly MappedResource[]): string[] {
  const lines: string[] = [];
  const byType = (kind: keyof typeof KIND_ORDER) => {
    const groups = new Map<string, MappedResource[]>();
    for (const r of resources.filter((m) => m.outcome.kind === kind)) groups.set(r.type, [...(groups.get(r.type) ?? []), r]);
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  };
  lines.push('Runs locally:');
  for (const [type, rs] of byType('run')) lines.push(`  ${type} (${rs.length}): ${rs.map((r) => (r.outcome as { localName: string }).localName).join(', ')}`);
  const nothing = byType('needsNothing');
  if (nothing.length) lines.push(`Needs nothing locally: ${nothing.map(([type, rs]) => `${type} (${rs.length})`).join(', ')}`);
  const notRun = byType('notRun');
  const partly = resources.filter((r) => r.outcome.kind === 'run' && r.outcome.partlyNotRun?.length);
  if (notRun.length || partly.length) {
    lines.push('Not run locally:');
    for (const [type, rs] of notRun) {
      lines.push(`  ${type} (${rs.length})`);
      for (const r of rs) lines.push(`    ${r.stack}/${r.logicalId}: ${(r.outcome as { reason: string }).reason}`);
    }
    for (const r of partly) for (const part of (r.outcome as { partlyNotRun: string[] }).partlyNotRun) lines.push(`  ${r.type} ${r.stack}/${r.logicalId}, in part: ${part}`);
  }
  return lines;
}
