/**
 * `npm run conformance:record`: writes the corpus cases the engine passes today to
 * test/conformance/passing.json, the list the guard test holds the engine to. Run it after a
 * change that makes more cases pass, and commit the list with the change.
 */
import { writeFileSync } from 'node:fs';
import { PASSING_FILE, passingOf, runConformance, runnerAvailable } from './conformance-report.ts';

if (!runnerAvailable()) {
  console.error('../shared/conformance/run.py (or python3) is not here: nothing to record');
  process.exit(2);
}
const passing = passingOf(runConformance());
writeFileSync(PASSING_FILE, JSON.stringify(passing, null, 1) + '\n');
console.log(`recorded ${passing.results.length} results, ${passing.histories.length} histories, ${passing.validations.length} validations`);
