/**
 * A state machine definition as a graph for ELK (elkjs) to lay out: every state a node, Parallel
 * and Map states compound nodes holding their branches, transitions (Next, Choice rules and
 * Default, Catch) edges inside the branch they belong to. ELK computes every position; this file
 * only says what is connected to what, and how big a state's box is.
 *
 * Pure (no DOM): the console renders the laid-out graph, unit tests read this one.
 */

/** The subset of ELK's graph JSON the console uses (structurally ELK's `ElkNode`). */
export interface GraphNode {
  id: string;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  children?: GraphNode[];
  edges?: GraphEdge[];
  layoutOptions?: Record<string, string>;
  /** what the node stands for: not read by ELK */
  labels?: { text: string }[];
}

export interface GraphEdge {
  id: string;
  sources: string[];
  targets: string[];
  sections?: { startPoint: { x: number; y: number }; endPoint: { x: number; y: number }; bendPoints?: { x: number; y: number }[] }[];
}

/** What a node is, for drawing it: a state, a branch of a Parallel, or the start and end markers. */
export type NodeKind =
  | { kind: 'state'; name: string; type: string; group: boolean }
  | { kind: 'branch'; parent: string; index: number }
  | { kind: 'start' }
  | { kind: 'end' };

export type EdgeKind = 'next' | 'choice' | 'default' | 'catch';

export interface MachineGraph {
  root: GraphNode;
  nodes: Map<string, NodeKind>;
  edges: Map<string, EdgeKind>;
}

interface Branch {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
}

export const START = '__start';
export const END = '__end';

const LAYERED: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '32',
  'elk.edgeRouting': 'ORTHOGONAL',
};
const GROUP: Record<string, string> = { ...LAYERED, 'elk.padding': '[top=34,left=14,bottom=14,right=14]' };

/** A state box wide enough for its name (the console's font is about 7.5 px a character). */
function leafSize(name: string, type: string): { width: number; height: number } {
  return { width: Math.max(110, Math.ceil(Math.max(name.length, type.length + 2) * 7.6) + 28), height: 44 };
}

/**
 * The graph of a definition (its JSON text or parsed object).
 *
 * @example
 * const g = machineGraph(definitionText);
 * const laidOut = await new ELK().layout(g.root);
 */
export function machineGraph(definition: string | object): MachineGraph {
  const def = (typeof definition === 'string' ? JSON.parse(definition) : definition) as Branch;
  const nodes = new Map<string, NodeKind>();
  const edges = new Map<string, EdgeKind>();
  const root: GraphNode = { id: 'root', layoutOptions: { ...LAYERED, 'elk.padding': '[top=12,left=12,bottom=12,right=12]' }, children: [], edges: [] };
  nodes.set(START, { kind: 'start' });
  nodes.set(END, { kind: 'end' });
  root.children!.push({ id: START, width: 16, height: 16 }, { id: END, width: 16, height: 16 });
  addEdge(root, edges, START, def.StartAt, 'next');
  addBranch(root, def, nodes, edges, END);
  return { root, nodes, edges };
}

/** Adds a branch's states to `container`; `end` is where terminal states lead (the End marker at the top level only). */
function addBranch(container: GraphNode, branch: Branch, nodes: Map<string, NodeKind>, edges: Map<string, EdgeKind>, end?: string): void {
  for (const [name, state] of Object.entries(branch.States ?? {})) {
    const type = String(state.Type);
    const inner = innerBranches(state);
    const node: GraphNode = { id: name, labels: [{ text: name }] };
    nodes.set(name, { kind: 'state', name, type, group: inner !== undefined });
    if (inner === undefined) Object.assign(node, leafSize(name, type));
    else if (type === 'Parallel') {
      node.layoutOptions = { ...GROUP, 'elk.direction': 'RIGHT' };
      node.children = inner.map((b, index) => {
        const id = `${name}#${index}`;
        nodes.set(id, { kind: 'branch', parent: name, index });
        const group: GraphNode = { id, layoutOptions: { ...LAYERED, 'elk.padding': '[top=12,left=10,bottom=10,right=10]' }, children: [], edges: [] };
        addBranch(group, b, nodes, edges);
        return group;
      });
    } else {
      node.layoutOptions = GROUP;
      node.children = [];
      node.edges = [];
      addBranch(node, inner[0], nodes, edges);
    }
    container.children!.push(node);
    for (const [target, kind] of transitions(state)) addEdge(container, edges, name, target, kind);
    if ((state.End === true || type === 'Succeed' || type === 'Fail') && end !== undefined) addEdge(container, edges, name, end, 'next');
  }
}

function innerBranches(state: Record<string, unknown>): Branch[] | undefined {
  if (state.Type === 'Parallel') return (state.Branches as Branch[] | undefined) ?? [];
  if (state.Type === 'Map') {
    const processor = (state.ItemProcessor ?? state.Iterator) as Branch | undefined;
    return processor ? [processor] : [];
  }
  return undefined;
}

/** A state's outgoing transitions, without duplicates. */
function transitions(state: Record<string, unknown>): [string, EdgeKind][] {
  const out: [string, EdgeKind][] = [];
  if (typeof state.Next === 'string') out.push([state.Next, 'next']);
  for (const rule of (state.Choices as { Next?: string }[] | undefined) ?? []) if (typeof rule.Next === 'string') out.push([rule.Next, 'choice']);
  if (typeof state.Default === 'string') out.push([state.Default, 'default']);
  for (const c of (state.Catch as { Next?: string }[] | undefined) ?? []) if (typeof c.Next === 'string') out.push([c.Next, 'catch']);
  const seen = new Set<string>();
  return out.filter(([t]) => !seen.has(t) && seen.add(t) !== undefined);
}

function addEdge(container: GraphNode, edges: Map<string, EdgeKind>, from: string, to: string, kind: EdgeKind): void {
  const id = `${from}->${to}`;
  edges.set(id, kind);
  container.edges!.push({ id, sources: [from], targets: [to] });
}
