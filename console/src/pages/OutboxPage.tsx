/** The outbox: e-mails and messages the workflows sent through the local stack (Longhaul.ListOutbox). */
import { useEffect, useState } from 'react';
import { api, type OutboxEntry } from '../api.ts';
import { ErrorMessage, JsonBlock, Panel } from '../components/common.tsx';
import { executionRoute } from '../hooks.ts';

export function OutboxPage({ executionArn }: { executionArn?: string }) {
  const [entries, setEntries] = useState<OutboxEntry[] | undefined>();
  const [available, setAvailable] = useState(true);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.listOutbox(executionArn).then((r) => {
      setEntries(r.entries);
      setAvailable(r.available);
    }, setError);
  }, [executionArn]);
  return (
    <Panel title={executionArn ? <>Outbox of <a href={`#${executionRoute(executionArn)}`}>{executionArn.split(':').pop()}</a></> : 'Outbox'}>
      <ErrorMessage error={error} />
      {!available && <p className="muted">This server has no outbox: it runs the engine without the local stack.</p>}
      {entries?.length === 0 && available && <p className="muted">Nothing sent yet.</p>}
      <div data-testid="outbox">
        {entries?.map((e) => (
          <details key={e.id} className="outbox-entry">
            <summary><b>{e.channel}</b> {e.time} · {e.stateName} · <a href={`#${executionRoute(e.executionArn)}`}>{e.executionArn.split(':').pop()}</a></summary>
            <JsonBlock text={JSON.stringify(e.message)} />
          </details>
        ))}
      </div>
    </Panel>
  );
}
