// `npm run asl`: writes the workflows' ASL to asl/, where infra/ reads it.
import { writeFileSync } from 'node:fs';
import { exampleJob } from './example-job.ts';

const asl = new URL('../asl/', import.meta.url);
writeFileSync(new URL('example-job.asl.json', asl), `${JSON.stringify(exampleJob, null, 2)}\n`);
