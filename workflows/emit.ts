/** `npm run asl`: writes asl/<name>.asl.json for every workflow. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aslText, workflows } from './index.ts';

const dir = fileURLToPath(new URL('../asl/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const w of workflows()) {
  writeFileSync(`${dir}${w.name}.asl.json`, aslText(w));
  console.log(`asl/${w.name}.asl.json`);
}
