/** Every state machine of the stack. */
import { useEffect, useState } from 'react';
import { api, type StateMachineItem } from '../api.ts';
import { ErrorMessage, Panel } from '../components/common.tsx';
import { formatDate, machineRoute } from '../hooks.ts';

export function MachinesPage() {
  const [machines, setMachines] = useState<StateMachineItem[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    (async () => {
      const all: StateMachineItem[] = [];
      let nextToken: string | undefined;
      do {
        const page = await api.listStateMachines(nextToken);
        all.push(...page.stateMachines);
        nextToken = page.nextToken;
      } while (nextToken);
      setMachines(all);
    })().catch(setError);
  }, []);
  return (
    <Panel title="State machines">
      <ErrorMessage error={error} />
      {machines && machines.length === 0 && <p className="muted">No state machines yet: create one with the AWS SDK or CLI, or list it in longhaul.config.json.</p>}
      {machines && machines.length > 0 && (
        <table className="list" data-testid="machines">
          <thead><tr><th>Name</th><th>Type</th><th>Created</th></tr></thead>
          <tbody>
            {machines.map((m) => (
              <tr key={m.stateMachineArn}>
                <td><a href={`#${machineRoute(m.stateMachineArn)}`}>{m.name}</a></td>
                <td>{m.type}</td>
                <td>{formatDate(m.creationDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
