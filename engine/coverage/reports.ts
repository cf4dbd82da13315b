/**
 * Coverage reports, each a pure function from coverage to text: a summary for the terminal, JSON,
 * lcov (each state on the line of the definition file that declares it, so editors and CI tools
 * that read lcov show it) and a self-contained HTML page with each state graph coloured.
 */
import type { Branch, State, StateMachineDefinition } from '../definition/types.ts';
import { mapProcessor } from '../definition/types.ts';
import { summarize, type DefinitionCoverage, type KindSummary } from './compute.ts';

/** A definition's source: the file lcov and HTML point at, and its text (to find each state's line). */
export interface CoverageSource {
  definition: StateMachineDefinition;
  /** path of the ASL/JSON file, as lcov's SF names it */
  file: string;
  text: string;
}

const pct = (s: KindSummary) => (s.total === 0 ? '-' : `${((100 * s.covered) / s.total).toFixed(0)}%`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const fraction = (s: KindSummary) => `${s.covered}/${s.total}`;

/** An ErrorEquals list, shortened past two names: retriers that list every Lambda service error would fill a line each. */
const errorList = (errors: readonly string[]) => (errors.length > 2 ? `${errors.slice(0, 2).join(', ')}, +${errors.length - 2}` : errors.join(', '));

/** The uncovered items of a definition, named as a reader finds them in the definition. */
export function uncovered(cov: DefinitionCoverage): Record<'states' | 'choices' | 'retriers' | 'catchers' | 'branches', string[]> {
  return {
    states: cov.states.filter((s) => s.hits === 0).map((s) => s.name),
    choices: cov.choices.filter((c) => c.hits === 0).map((c) => (c.rule === 'Default' ? `${c.state}.Default → ${c.next}` : `${c.state}.Choices[${c.rule}] → ${c.next}`)),
    retriers: cov.retriers.filter((r) => r.hits === 0).map((r) => `${r.state}.Retry[${r.index}] (${errorList(r.errors)})`),
    catchers: cov.catchers.filter((c) => c.hits === 0).map((c) => `${c.state}.Catch[${c.index}] (${errorList(c.errors)}) → ${c.next}`),
    branches: cov.branches.filter((b) => b.hits === 0).map((b) => (b.kind === 'Parallel' ? `${b.state}.Branches[${b.index}]` : `${b.state} (${b.kind === 'DistributedMap' ? 'child executions' : 'iterations'})`)),
  };
}

/**
 * The terminal summary: per definition, covered/total per kind with the uncovered ones named.
 *
 * @example
 * textReport([cov]);
 * // report-etl 1a2b3c4d  12 executions  86% (25/29)
 * //   states    15/16  94%  uncovered: NotifyFailure
 */
export function textReport(covs: readonly DefinitionCoverage[]): string {
  const lines: string[] = [];
  for (const cov of covs) {
    const s = summarize(cov);
    const missing = uncovered(cov);
    lines.push(`${cov.name} ${cov.hash.slice(0, 8)}  ${plural(cov.executions, 'execution')}  ${s.percent.toFixed(0)}% (${fraction(s.all)})`);
    for (const kind of ['states', 'choices', 'retriers', 'catchers', 'branches'] as const) {
      if (s[kind].total === 0) continue;
      const named = missing[kind].length ? `  uncovered: ${missing[kind].join(', ')}` : '';
      lines.push(`  ${kind.padEnd(9)} ${fraction(s[kind]).padStart(5)}  ${pct(s[kind]).padStart(4)}${named}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** One line per definition, for the end of a test run: the percent and each kind's covered/total. */
export function briefReport(covs: readonly DefinitionCoverage[]): string {
  const width = Math.max(0, ...covs.map((c) => c.name.length));
  return covs
    .map((cov) => {
      const s = summarize(cov);
      const kinds = (['states', 'choices', 'retriers', 'catchers', 'branches'] as const).filter((k) => s[k].total > 0).map((k) => `${k} ${fraction(s[k])}`);
      return `${cov.name.padEnd(width)}  ${`${s.percent.toFixed(0)}%`.padStart(4)}  ${kinds.join('  ')}`;
    })
    .join('\n') + '\n';
}

/** JSON: every item with its hits, a summary and the uncovered names per definition. */
export function jsonReport(covs: readonly DefinitionCoverage[]): string {
  return JSON.stringify({ definitions: covs.map((c) => ({ ...c, summary: summarize(c), uncovered: uncovered(c) })) }, null, 2) + '\n';
}

/**
 * The 1-based line of each state's declaration (`"Name": {`) in a definition's text; a state not
 * found (a definition whose text was generated differently) gets line 1.
 */
export function stateLines(text: string, names: readonly string[]): Map<string, number> {
  const lines = text.split('\n');
  const out = new Map<string, number>();
  for (const name of names) {
    const key = new RegExp(`${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:\\s*\\{`);
    const i = lines.findIndex((l) => key.test(l));
    out.set(name, i + 1 || 1);
  }
  return out;
}

/**
 * lcov: one record per definition (TN: its name and hash); a state is a line (DA), a Choice rule,
 * retrier, catcher or branch a branch (BRDA) on its state's line, blocks numbered per kind.
 */
export function lcovReport(covs: readonly DefinitionCoverage[], sources: ReadonlyMap<string, CoverageSource>): string {
  const out: string[] = [];
  for (const cov of covs) {
    const source = sources.get(cov.hash);
    if (!source) continue;
    const lines = stateLines(source.text, cov.states.map((s) => s.name));
    const at = (state: string) => lines.get(state) ?? 1;
    out.push(`TN:${cov.name}_${cov.hash.slice(0, 8)}`, `SF:${source.file}`);
    for (const s of cov.states) out.push(`FN:${at(s.name)},${s.name}`);
    for (const s of cov.states) out.push(`FNDA:${s.hits},${s.name}`);
    out.push(`FNF:${cov.states.length}`, `FNH:${cov.states.filter((s) => s.hits > 0).length}`);
    const branches: [line: number, block: number, branch: number, hits: number][] = [
      ...cov.choices.map((c, i): [number, number, number, number] => [at(c.state), 0, i, c.hits]),
      ...cov.retriers.map((r, i): [number, number, number, number] => [at(r.state), 1, i, r.hits]),
      ...cov.catchers.map((c, i): [number, number, number, number] => [at(c.state), 2, i, c.hits]),
      ...cov.branches.map((b, i): [number, number, number, number] => [at(b.state), 3, i, b.hits]),
    ];
    for (const [line, block, branch, hits] of branches) out.push(`BRDA:${line},${block},${branch},${hits > 0 ? hits : '-'}`);
    out.push(`BRF:${branches.length}`, `BRH:${branches.filter((b) => b[3] > 0).length}`);
    const byLine = new Map<number, number>();
    for (const s of cov.states) byLine.set(at(s.name), (byLine.get(at(s.name)) ?? 0) + s.hits);
    for (const [line, hits] of [...byLine].sort((a, b) => a[0] - b[0])) out.push(`DA:${line},${hits}`);
    out.push(`LF:${byLine.size}`, `LH:${[...byLine.values()].filter((h) => h > 0).length}`, 'end_of_record');
  }
  return out.length ? out.join('\n') + '\n' : '';
}

// ---- HTML

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Edge {
  from: string;
  to: string;
  label: string;
  covered: boolean;
  kind: 'next' | 'choice' | 'catch';
}

/** The transitions of one branch, each marked covered or not. */
function edgesOf(branch: Branch, cov: DefinitionCoverage): Edge[] {
  const hit = new Map(cov.states.map((s) => [s.name, s.hits > 0]));
  const edges: Edge[] = [];
  for (const [name, state] of Object.entries(branch.States) as [string, State][]) {
    if (state.Type === 'Choice') {
      for (const c of cov.choices.filter((c) => c.state === name)) edges.push({ from: name, to: c.next, label: c.rule === 'Default' ? 'Default' : `#${c.rule}`, covered: c.hits > 0, kind: 'choice' });
    } else if (state.Next !== undefined) edges.push({ from: name, to: state.Next, label: '', covered: (hit.get(name) ?? false) && (hit.get(state.Next) ?? false), kind: 'next' });
    for (const c of cov.catchers.filter((c) => c.state === name)) edges.push({ from: name, to: c.next, label: `Catch #${c.index}`, covered: c.hits > 0, kind: 'catch' });
  }
  return edges;
}

/** Layers by breadth-first distance from StartAt (unreachable states last): a layout simple enough to need no library. */
function layers(branch: Branch, edges: Edge[]): string[][] {
  const depth = new Map<string, number>([[branch.StartAt, 0]]);
  const queue = [branch.StartAt];
  while (queue.length) {
    const n = queue.shift()!;
    for (const e of edges) if (e.from === n && !depth.has(e.to) && e.to in branch.States) (depth.set(e.to, depth.get(n)! + 1), queue.push(e.to));
  }
  const max = Math.max(0, ...depth.values());
  const out: string[][] = [];
  for (const name of Object.keys(branch.States)) {
    const d = depth.get(name) ?? max + 1;
    (out[d] ??= []).push(name);
  }
  return out.filter(Boolean);
}

const NODE_W = 200;
const NODE_H = 44;
const GAP_X = 30;
const GAP_Y = 56;

function branchSvg(branch: Branch, cov: DefinitionCoverage): string {
  const hits = new Map(cov.states.map((s) => [s.name, s.hits]));
  const edges = edgesOf(branch, cov);
  const rows = layers(branch, edges);
  const width = Math.max(...rows.map((r) => r.length)) * (NODE_W + GAP_X) + GAP_X;
  const height = rows.length * (NODE_H + GAP_Y);
  const pos = new Map<string, { x: number; y: number }>();
  rows.forEach((row, d) => {
    const offset = (width - row.length * (NODE_W + GAP_X) + GAP_X) / 2;
    row.forEach((name, i) => pos.set(name, { x: offset + i * (NODE_W + GAP_X), y: GAP_Y / 2 + d * (NODE_H + GAP_Y) }));
  });
  const parts: string[] = [];
  for (const e of edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const [x1, y1, x2, y2] = [a.x + NODE_W / 2, a.y + NODE_H, b.x + NODE_W / 2, b.y];
    const cls = `edge ${e.covered ? 'covered' : 'uncovered'} ${e.kind}`;
    const path = y2 > y1 ? `M${x1},${y1} C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}` : `M${x1},${y1} C${x1 + 120},${y1 + 40} ${x2 + 120},${y2 - 40} ${x2},${y2}`;
    parts.push(`<path class="${cls}" d="${path}" marker-end="url(#arrow)"><title>${esc(`${e.from} → ${e.to} ${e.label}`)}</title></path>`);
    if (e.label) parts.push(`<text class="label" x="${(x1 + x2) / 2 + 4}" y="${(y1 + y2) / 2}">${esc(e.label)}</text>`);
  }
  for (const [name, p] of pos) {
    const n = hits.get(name) ?? 0;
    const state = branch.States[name];
    const clauses = (items: { state: string; hits: number }[], word: string) => {
      const mine = items.filter((i) => i.state === name);
      return mine.length ? ` · ${word} ${mine.filter((i) => i.hits > 0).length}/${mine.length}` : '';
    };
    const meta = `${state.Type} · ${n}×${clauses(cov.retriers, 'retry')}${clauses(cov.catchers, 'catch')}`;
    parts.push(
      `<g class="state ${n > 0 ? 'covered' : 'uncovered'}" data-state="${esc(name)}"><rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="8"/>` +
        `<text x="${p.x + NODE_W / 2}" y="${p.y + 19}" class="name">${esc(name.length > 26 ? name.slice(0, 25) + '…' : name)}</text>` +
        `<text x="${p.x + NODE_W / 2}" y="${p.y + 35}" class="meta">${esc(meta)}</text><title>${esc(name)}: entered ${n} times</title></g>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>${parts.join('')}</svg>`;
}

/** Every branch of a definition with a title: the top level, then each Parallel branch and Map processor. */
function branchesOf(def: StateMachineDefinition): { title: string; branch: Branch }[] {
  const out: { title: string; branch: Branch }[] = [{ title: 'top level', branch: def }];
  const walk = (b: Branch) => {
    for (const [name, s] of Object.entries(b.States) as [string, State][]) {
      if (s.Type === 'Parallel') s.Branches.forEach((br, i) => (out.push({ title: `${name} · branch ${i}`, branch: br }), walk(br)));
      if (s.Type === 'Map') (out.push({ title: `${name} · ${mapProcessor(s).ProcessorConfig?.Mode === 'DISTRIBUTED' ? 'child executions' : 'iterations'}`, branch: mapProcessor(s) }), walk(mapProcessor(s)));
    }
  };
  walk(def);
  return out;
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}h1{font-size:20px}h2{font-size:17px;margin-top:32px}
h3{font-size:14px;color:#555;margin:16px 0 4px}table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #e3e3e3}
.nowrap{white-space:nowrap}.bar{display:inline-block;width:90px;height:8px;background:#f3c4c4;border-radius:4px;vertical-align:middle}.bar i{display:block;height:8px;background:#4caf50;border-radius:4px}
.state rect{stroke-width:1.5}.state.covered rect{fill:#d6f0d6;stroke:#2e7d32}.state.uncovered rect{fill:#fbdada;stroke:#c62828}
.state text{text-anchor:middle}.state .name{font-weight:600;font-size:13px}.state .meta{font-size:11px;fill:#555}
.edge{fill:none;stroke-width:1.6}.edge.covered{stroke:#2e7d32}.edge.uncovered{stroke:#c62828;stroke-dasharray:5 4}.edge.catch{stroke-width:1.2}
.label{font-size:11px;fill:#555}.uncov{color:#c62828}.graph{overflow-x:auto;width:fit-content;max-width:calc(100% - 18px);background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:8px}`;

/** A self-contained HTML page: per definition, the summary table, the uncovered items and each branch's graph coloured. */
export function htmlReport(covs: readonly DefinitionCoverage[], sources: ReadonlyMap<string, CoverageSource>): string {
  const sections = covs.map((cov) => {
    const s = summarize(cov);
    const missing = uncovered(cov);
    const rows = (['states', 'choices', 'retriers', 'catchers', 'branches'] as const)
      .filter((k) => s[k].total > 0)
      .map((k) => `<tr><th>${k}</th><td>${fraction(s[k])}</td><td class="nowrap"><span class="bar"><i style="width:${(100 * s[k].covered) / s[k].total}%"></i></span> ${pct(s[k])}</td><td class="uncov">${esc(missing[k].join(', '))}</td></tr>`)
      .join('');
    const source = sources.get(cov.hash);
    const graphs = source ? branchesOf(source.definition).map((b) => `<h3>${esc(b.title)}</h3><div class="graph">${branchSvg(b.branch, cov)}</div>`).join('') : '';
    return `<section data-definition="${esc(cov.name)}"><h2>${esc(cov.name)} <small>${cov.hash.slice(0, 8)} · ${plural(cov.executions, 'execution')} · ${s.percent.toFixed(0)}%</small></h2>` +
      `${source ? `<div>${esc(source.file)}</div>` : ''}<table>${rows}</table>${graphs}</section>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>Longhaul state machine coverage</title><style>${STYLE}</style></head>` +
    `<body><h1>State machine coverage</h1>${sections.join('')}</body></html>\n`;
}
