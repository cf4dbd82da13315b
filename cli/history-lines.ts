/** A history as a person reads it: id, time since the start, type, state name, error. */

/** An event reduced to what the listing shows; `timestamp` in epoch ms. */
export interface ListedEvent {
  id?: number;
  type?: string;
  timestamp: number;
  [details: string]: unknown;
}

export function historyLines(events: ListedEvent[]): string[] {
  const t0 = events[0]?.timestamp ?? 0;
  return events.map((e) => {
    const details = Object.entries(e).find(([k]) => k.endsWith('EventDetails'))?.[1] as Record<string, unknown> | undefined;
    const name = details && typeof details.name === 'string' ? ` ${details.name}` : '';
    const extra = details && typeof details.error === 'string' ? ` ${details.error}` : '';
    return `${String(e.id).padStart(5)}  +${formatMs(e.timestamp - t0).padEnd(9)} ${e.type}${name}${extra}`;
  });
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)}s`;
  const m = s / 60;
  if (m < 120) return `${m.toFixed(1)}min`;
  return `${(m / 60).toFixed(1)}h`;
}
