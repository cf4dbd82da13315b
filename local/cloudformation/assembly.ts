/**
 * Reads what `cdk synth` writes (a cloud assembly: manifest.json, each stack's template, the asset
 * manifests and asset folders), or one plain CloudFormation template, into the stacks the mapper
 * takes, ordered so that a stack comes after the stacks it depends on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CfnTemplate } from './intrinsics.ts';
import { TemplateError } from './intrinsics.ts';

/** One stack of an app. */
export interface AppStack {
  /** the deployed stack's name (`stackName` in the manifest, else the artifact id) */
  stackName: string;
  /** the artifact id in manifest.json (the template file's name for a plain template) */
  artifactId: string;
  template: CfnTemplate;
  /** the folder asset paths are relative to (cdk.out) */
  dir: string;
  /** an asset's S3 object key → its file or folder on disk */
  assets: Record<string, string>;
}

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string; file?: string }; dependencies?: string[] }>;
}

interface AssetManifest {
  files?: Record<string, { source: { path?: string }; destinations?: Record<string, { objectKey: string }> }>;
}

/**
 * The stacks of a cloud assembly, each after those it depends on.
 *
 * Caveat: nested assemblies (CDK Stages) are not read; their stacks are named in the error.
 *
 * @example
 * const stacks = readCloudAssembly('cdk.out');
 */
export function readCloudAssembly(folder: string): AppStack[] {
  const dir = resolve(folder);
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) throw new TemplateError(`${folder} is not a cloud assembly: it has no manifest.json (run cdk synth, or pass --template FILE)`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  const artifacts = manifest.artifacts ?? {};
  const assets: Record<string, string> = {};
  for (const artifact of Object.values(artifacts)) {
    if (artifact.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
    const parsed = JSON.parse(readFileSync(join(dir, artifact.properties.file), 'utf8')) as AssetManifest;
    for (const entry of Object.values(parsed.files ?? {})) {
      if (!entry.source.path) continue;
      for (const d of Object.values(entry.destinations ?? {})) assets[d.objectKey] = join(dir, entry.source.path);
    }
  }
  const nested = Object.entries(artifacts).filter(([, a]) => a.type === 'cdk:cloud-assembly').map(([id]) => id);
  if (nested.length > 0 && !Object.values(artifacts).some((a) => a.type === 'aws:cloudformation:stack')) {
    throw new TemplateError(`${folder} holds only nested assemblies (CDK Stages: ${nested.join(', ')}): pass their folders instead`);
  }
  const stacks = new Map<string, { stack: AppStack; dependencies: string[] }>();
  for (const [id, a] of Object.entries(artifacts)) {
    if (a.type !== 'aws:cloudformation:stack') continue;
    const templateFile = a.properties?.templateFile;
    if (!templateFile) throw new TemplateError(`the stack ${id} in ${file} names no templateFile`);
    const template = JSON.parse(readFileSync(join(dir, templateFile), 'utf8')) as CfnTemplate;
    stacks.set(id, { stack: { stackName: a.properties?.stackName ?? id, artifactId: id, template, dir, assets }, dependencies: a.dependencies ?? [] });
  }
  const ordered: AppStack[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const entry = stacks.get(id);
    if (!entry) return;
    for (const d of entry.dependencies) visit(d);
    ordered.push(entry.stack);
  };
  for (const id of stacks.keys()) visit(id);
  return ordered;
}

/**
 * One plain CloudFormation template (JSON), as a one-stack app named after the file.
 *
 * @example
 * const [stack] = readTemplateFile('template.json', 'orders');
 */
export function readTemplateFile(file: string, stackName?: string): AppStack[] {
  const path = resolve(file);
  let template: CfnTemplate;
  try {
    template = JSON.parse(readFileSync(path, 'utf8')) as CfnTemplate;
  } catch (e) {
    throw new TemplateError(`cannot read the template ${file} (JSON templates only): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const name = stackName ?? basename(path).replace(/\.(template\.)?json$/, '');
  return [{ stackName: name, artifactId: name, template, dir: dirname(path), assets: {} }];
}
