/**
 * Builds the `longhaul` package into dist/: JavaScript and type declarations, since Node does not
 * strip TypeScript types inside node_modules. `npm pack` runs it (prepack); the repository itself
 * keeps running from source.
 *
 * tsc (tsconfig.build.json, `rewriteRelativeImportExtensions`) rewrites the `.ts` specifiers of
 * imports in the JavaScript. Two kinds it leaves are rewritten here: those in the declarations
 * (a consumer's TypeScript may not take `.ts` imports), and module paths built with
 * `new URL('./x.ts', import.meta.url)` (the Lambda sandbox's entry), which no compiler reads.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');

/** A relative specifier ending in `.ts`, quoted, in an import, an export, `import()` or `new URL()`. */
const RELATIVE_TS = /((?:from\s+|import\s*\(\s*|new URL\(\s*|import\s+)['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

let rewritten = 0;
for (const file of files(dist)) {
  if (!file.endsWith('.js') && !file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const next = text.replace(RELATIVE_TS, (_m, before: string, path: string, quote: string) => `${before}${path}.js${quote}`);
  if (next !== text) {
    writeFileSync(file, next);
    rewritten++;
  }
}
console.log(`dist/: ${files(dist).length} files built, ${rewritten} with .ts specifiers rewritten`);
