/**
 * CPU profile of the timed part of one workload run (not the warm-up, not the checks):
 *
 *   node bench/profile.ts <loop|map> [longhaul|aws-local-stepfunctions] [out.cpuprofile]
 *
 * Writes the .cpuprofile (open it in Chrome DevTools) and prints the functions with the most
 * self time and the most inclusive time.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { TargetName, runTarget } from './targets.ts';
import { WorkloadName, workload } from './workloads.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const name = (process.argv[2] ?? WorkloadName.Loop) as WorkloadName;
const target = (process.argv[3] ?? TargetName.Longhaul) as TargetName;
const out = process.argv[4] ?? `bench-${name}-${target}.cpuprofile`;

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });

await runTarget(target, workload(name, 0.1));
let profile: Profile | undefined;
const r = await runTarget(target, workload(name), {
  begin: async () => {
    await session.post('Profiler.start');
  },
  end: async () => {
    profile = (await session.post('Profiler.stop')).profile as unknown as Profile;
  },
});
session.disconnect();
writeFileSync(out, JSON.stringify(profile));
console.log(`${name} on ${target}: ${r.ms.toFixed(0)} ms (profiled); profile written to ${out}\n`);
report(profile!);

function report(p: Profile): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => {
    const url = n.callFrame.url.startsWith('file://') ? relative(process.cwd(), new URL(n.callFrame.url).pathname) : n.callFrame.url;
    return `${n.callFrame.functionName || '(anonymous)'} ${url}${url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const id of p.samples) {
    const n = byId.get(id)!;
    self.set(label(n), (self.get(label(n)) ?? 0) + 1);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + 1);
    }
  }
  const total = p.samples.length;
  const top = (m: Map<string, number>, k: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([l, c]) => `${((100 * c) / total).toFixed(1).padStart(6)}%  ${l}`).join('\n');
  console.log(`self time (${total} samples)\n${top(self, 25)}\n\ninclusive time\n${top(inclusive, 30)}`);
}
