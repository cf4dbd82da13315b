/**
 * The event history as a table, a page of at most PAGE_ROWS rows at a time (a history holds up to
 * 25,000 events); a row opens to show its details.
 */
import { Fragment, useState } from 'react';
import type { HistoryEvent } from '../api.ts';
import { eventDetails } from '../model/status.ts';
import { Pager } from './common.tsx';

export const PAGE_ROWS = 200;

export function HistoryTable({ events, stateOfEvent, startDate }: { events: HistoryEvent[]; stateOfEvent: Map<number, string>; startDate: number }) {
  const [page, setPage] = useState(0);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const pages = Math.max(1, Math.ceil(events.length / PAGE_ROWS));
  const current = Math.min(page, pages - 1);
  const rows = events.slice(current * PAGE_ROWS, (current + 1) * PAGE_ROWS);
  const toggle = (id: number) => setOpen((s) => {
    const next = new Set(s);
    if (!next.delete(id)) next.add(id);
    return next;
  });
  return (
    <>
      <table className="list history" data-testid="history">
        <thead><tr><th>ID</th><th>Type</th><th>Step</th><th>Elapsed</th><th>Timestamp</th></tr></thead>
        <tbody>
          {rows.map((e) => (
            <Fragment key={e.id}>
              <tr className={`event ${/Failed|TimedOut|Aborted/.test(e.type) ? 'bad' : ''}`} onClick={() => toggle(e.id)} data-testid="event-row">
                <td>{e.id}</td>
                <td>{e.type}</td>
                <td>{stateOfEvent.get(e.id) ?? ''}</td>
                <td>{Math.round((e.timestamp - startDate) * 1000)} ms</td>
                <td>{new Date(e.timestamp * 1000).toISOString()}</td>
              </tr>
              {open.has(e.id) && (
                <tr className="event-details"><td colSpan={5}><pre>{JSON.stringify(eventDetails(e) ?? {}, null, 2)}</pre></td></tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      <Pager
        page={current}
        hasNext={current < pages - 1}
        onPrev={() => setPage(Math.max(0, current - 1))}
        onNext={() => setPage(current + 1)}
        label={`Events ${events.length === 0 ? 0 : current * PAGE_ROWS + 1}–${Math.min(events.length, (current + 1) * PAGE_ROWS)} of ${events.length}`}
      />
    </>
  );
}
