/**
 * Child process for one throughput sample: `node bench/throughput.ts <loop|map> <target>`.
 * Runs the workload once at a tenth of its size to warm the JIT, then once at full size, and
 * prints the full-size result as one JSON line. A process per sample keeps one engine's heap and
 * JIT state from colouring the other's figure.
 */
import { TargetName, runTarget } from './targets.ts';
import { WorkloadName, workload } from './workloads.ts';

const [name, target] = process.argv.slice(2) as [WorkloadName, TargetName];
if (!Object.values(WorkloadName).includes(name) || !Object.values(TargetName).includes(target)) {
  throw new Error(`usage: throughput.ts <${Object.values(WorkloadName).join('|')}> <${Object.values(TargetName).join('|')}>`);
}

await runTarget(target, workload(name, 0.1));
const w = workload(name);
const r = await runTarget(target, w);
process.stdout.write(JSON.stringify({ workload: name, target, units: w.units, unit: w.unit, ...r }) + '\n');
