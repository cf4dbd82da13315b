/**
 * Builds the `longhaul` package into dist/: JavaScript and type declarations, since Node does not
 * strip TypeScript types inside node_modules. `npm pack` runs it (prepack); the repository itself
 * keeps running from source.
 *
 * tsc (tsconfig.build.json, `rewriteRelativeImportExtensions`) rewrites the `.ts` specifiers of
 * imports in the JavaScript. Two kinds it leaves are rewritten here: those in the declarations
 * (a consumer's TypeScript may not take `.ts` imports), and module paths built with
 * `new URL('./x.ts', import.meta.url)` (the Lambda sandbox's entry), which no compiler reads.
 *
 * The built console (console/dist, from `npm run console:build`) is copied to dist/console/dist:
 * the API server looks for it two folders above engine/api/, in the package as in the repository.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');

/** A relative specifier ending in `.ts`, quoted, in an import, an export, `import()` or `new URL()`. */
const RELATIVE_TS = /((?:from\s+|import\s*\(\s*|new URL\(\s*|import\s+)['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

const consoleDist = join(root, 'console/dist');
if (!existsSync(join(consoleDist, 'index.html'))) {
  console.error('console/dist is not built: run `npm run console:build` first (npm install does it)');
  process.exit(1);
}
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

cpSync(consoleDist, join(dist, 'console/dist'), { recursive: true });

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
