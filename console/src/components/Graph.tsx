/**
 * A state machine's graph, laid out by ELK (elkjs, in the page, no worker) and drawn as SVG:
 * states coloured by what happened to them, Map and Parallel states as groups holding their
 * branches, Catch transitions dashed. Clicking a state selects it.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { useEffect, useMemo, useState } from 'react';
import { machineGraph, type GraphEdge, type GraphNode, type MachineGraph } from '../model/graph.ts';
import { STATUS_LABEL, type StateStatus, type StateSummary } from '../model/status.ts';

const elk = new ELK();

interface Props {
  definition: string;
  states?: Map<string, StateSummary>;
  selected?: string;
  onSelect?: (name: string) => void;
}

export function Graph({ definition, states, selected, onSelect }: Props) {
  const graph = useMemo<MachineGraph | undefined>(() => {
    try {
      return machineGraph(definition);
    } catch {
      return undefined;
    }
  }, [definition]);
  const [layout, setLayout] = useState<GraphNode | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (!graph) return;
    let current = true;
    // ELK writes positions into the graph it is given: give it a copy
    elk.layout(structuredClone(graph.root) as unknown as Parameters<typeof elk.layout>[0]).then(
      (laid) => current && setLayout(laid as unknown as GraphNode),
      (e: unknown) => current && setError(String(e)),
    );
    return () => {
      current = false;
    };
  }, [graph]);
  if (!graph) return <p className="muted">The definition is not JSON.</p>;
  if (error) return <p className="error-message">Layout failed: {error}</p>;
  if (!layout) return <p className="muted">Laying out…</p>;
  const draw = (node: GraphNode, x: number, y: number): React.ReactNode[] => {
    const out: React.ReactNode[] = [];
    for (const child of node.children ?? []) {
      const cx = x + (child.x ?? 0);
      const cy = y + (child.y ?? 0);
      out.push(<NodeBox key={child.id} node={child} x={cx} y={cy} graph={graph} states={states} selected={selected} onSelect={onSelect} />);
      out.push(...draw(child, cx, cy));
    }
    for (const edge of node.edges ?? []) out.push(<Edge key={edge.id} edge={edge} x={x} y={y} dashed={graph.edges.get(edge.id) === 'catch'} />);
    return out;
  };
  return (
    <>
    <div className="graph-wrap">
      <svg className="graph" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} data-testid="graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#68707d" />
          </marker>
        </defs>
        {draw(layout, 0, 0)}
      </svg>
    </div>
    {states && <Legend />}
    </>
  );
}

function NodeBox({ node, x, y, graph, states, selected, onSelect }: { node: GraphNode; x: number; y: number; graph: MachineGraph } & Omit<Props, 'definition'>) {
  const kind = graph.nodes.get(node.id);
  const w = node.width ?? 0;
  const h = node.height ?? 0;
  if (!kind) return null;
  if (kind.kind === 'start' || kind.kind === 'end') {
    return <circle cx={x + w / 2} cy={y + h / 2} r={w / 2} className={`marker ${kind.kind}`} />;
  }
  if (kind.kind === 'branch') return <rect x={x} y={y} width={w} height={h} rx={6} className="branch" />;
  const summary = states?.get(kind.name);
  const status: StateStatus = summary?.status ?? 'notReached';
  const classes = ['state', states ? `st-${status}` : 'st-plain', kind.group ? 'group' : '', selected === kind.name ? 'selected' : ''].join(' ');
  return (
    <g
      className={classes}
      data-testid={`state-${kind.name}`}
      data-status={states ? status : undefined}
      onClick={(e) => {
        e.stopPropagation();
        onSelect?.(kind.name);
      }}
    >
      <title>{`${kind.name} (${kind.type})${states ? ` — ${STATUS_LABEL[status]}` : ''}`}</title>
      <rect x={x} y={y} width={w} height={h} rx={kind.group ? 8 : 6} />
      {kind.group ? (
        <text x={x + 10} y={y + 20} className="group-label">{kind.name} <tspan className="type">{kind.type}{summary && summary.runs > 1 ? ` · ${summary.runs}×` : ''}</tspan></text>
      ) : (
        <>
          <text x={x + w / 2} y={y + 19} textAnchor="middle" className="name">{kind.name}</text>
          <text x={x + w / 2} y={y + 35} textAnchor="middle" className="type">{kind.type}{summary && summary.runs > 1 ? ` · ${summary.runs}×` : ''}</text>
        </>
      )}
    </g>
  );
}

function Edge({ edge, x, y, dashed }: { edge: GraphEdge; x: number; y: number; dashed: boolean }) {
  return (
    <>
      {(edge.sections ?? []).map((s, i) => {
        const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => `${x + p.x},${y + p.y}`).join(' ');
        return <polyline key={i} points={points} className={dashed ? 'edge catch' : 'edge'} markerEnd="url(#arrow)" />;
      })}
    </>
  );
}

function Legend() {
  const shown: StateStatus[] = ['succeeded', 'failed', 'caught', 'running', 'waitingToken', 'waitingTimer', 'aborted', 'notReached'];
  return (
    <div className="legend">
      {shown.map((s) => <span key={s}><i className={`swatch st-${s}`} />{STATUS_LABEL[s]}</span>)}
    </div>
  );
}
