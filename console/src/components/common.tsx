/** Pieces every page uses. */
import type { ReactNode } from 'react';
import { pretty } from '../hooks.ts';

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status.toLowerCase()}`} data-testid="status">{status.replace('_', ' ')}</span>;
}

export function JsonBlock({ text, label, testId }: { text: string | undefined; label?: string; testId?: string }) {
  return (
    <div className="json">
      {label && <div className="json-label">{label}</div>}
      <pre data-testid={testId}>{text === undefined ? '—' : pretty(text)}</pre>
    </div>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as Error;
  return <div className="error-message" role="alert">{e.name && e.name !== 'Error' ? `${e.name}: ` : ''}{e.message ?? String(error)}</div>;
}

export function Panel({ title, children, actions }: { title: ReactNode; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="panel">
      <div className="panel-head"><h2>{title}</h2>{actions && <div className="panel-actions">{actions}</div>}</div>
      {children}
    </section>
  );
}

/** Previous / next page buttons over a list of page tokens. */
export function Pager({ page, hasNext, onPrev, onNext, label }: { page: number; hasNext: boolean; onPrev: () => void; onNext: () => void; label?: string }) {
  return (
    <div className="pager">
      <button onClick={onPrev} disabled={page === 0} data-testid="prev-page">← Previous</button>
      <span data-testid="page-number">{label ?? `Page ${page + 1}`}</span>
      <button onClick={onNext} disabled={!hasNext} data-testid="next-page">Next →</button>
    </div>
  );
}
