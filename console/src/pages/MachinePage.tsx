/** A state machine: its executions (by status, paged), its definition as JSON and as a graph, and Start execution. */
import { useEffect, useState } from 'react';
import { api, type ExecutionItem, type ExecutionStatus, type StateMachineDescription } from '../api.ts';
import { ErrorMessage, JsonBlock, Pager, Panel, StatusBadge } from '../components/common.tsx';
import { Graph } from '../components/Graph.tsx';
import { StartExecution } from '../components/StartExecution.tsx';
import { executionRoute, formatDate } from '../hooks.ts';

const PAGE_SIZE = 50;
const STATUSES: ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

export function MachinePage({ arn }: { arn: string }) {
  const [machine, setMachine] = useState<StateMachineDescription | undefined>();
  const [tab, setTab] = useState<'executions' | 'definition'>('executions');
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.describeStateMachine(arn).then(setMachine, setError);
  }, [arn]);
  return (
    <>
      <Panel
        title={<><a href="#/">State machines</a> / <span data-testid="machine-name">{machine?.name ?? arn}</span></>}
        actions={<button className="primary" onClick={() => setStarting(true)} data-testid="start-execution">Start execution</button>}
      >
        <ErrorMessage error={error} />
        {machine && <p className="muted">{machine.type} · {machine.stateMachineArn}</p>}
        {starting && <StartExecution stateMachineArn={arn} onClose={() => setStarting(false)} />}
        <div className="tabs">
          <button className={tab === 'executions' ? 'active' : ''} onClick={() => setTab('executions')}>Executions</button>
          <button className={tab === 'definition' ? 'active' : ''} onClick={() => setTab('definition')} data-testid="tab-definition">Definition</button>
        </div>
      </Panel>
      {tab === 'executions' && <Executions arn={arn} />}
      {tab === 'definition' && machine && (
        <div className="split">
          <Panel title="Graph"><Graph definition={machine.definition} /></Panel>
          <Panel title="Definition"><JsonBlock text={machine.definition} testId="definition" /></Panel>
        </div>
      )}
    </>
  );
}

function Executions({ arn }: { arn: string }) {
  const [status, setStatus] = useState<ExecutionStatus | ''>('');
  /** the token of each page seen so far: tokens[i] reads page i */
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const [rows, setRows] = useState<ExecutionItem[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let current = true;
    const started = performance.now();
    api.listExecutions({ stateMachineArn: arn, statusFilter: status || undefined, maxResults: PAGE_SIZE, nextToken: tokens[page] }).then((res) => {
      if (!current) return;
      setRows(res.executions);
      setNext(res.nextToken);
      setError(undefined);
      console.debug(`executions page ${page + 1}: ${Math.round(performance.now() - started)} ms`);
    }, setError);
    return () => {
      current = false;
    };
  }, [arn, status, page, tokens]);
  const filter = (s: ExecutionStatus | '') => {
    setStatus(s);
    setTokens([undefined]);
    setPage(0);
  };
  return (
    <Panel
      title="Executions"
      actions={
        <label className="inline">Status{' '}
          <select value={status} onChange={(e) => filter(e.target.value as ExecutionStatus | '')} data-testid="status-filter">
            <option value="">All</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      }
    >
      <ErrorMessage error={error} />
      <table className="list" data-testid="executions">
        <thead><tr><th>Name</th><th>Status</th><th>Started</th><th>Ended</th><th>Redrives</th></tr></thead>
        <tbody>
          {rows?.map((e) => (
            <tr key={e.executionArn}>
              <td><a href={`#${executionRoute(e.executionArn)}`}>{e.name}</a></td>
              <td><StatusBadge status={e.status} /></td>
              <td>{formatDate(e.startDate)}</td>
              <td>{formatDate(e.stopDate)}</td>
              <td>{e.redriveCount ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows?.length === 0 && <p className="muted">No executions{status && ` with status ${status}`}.</p>}
      <Pager
        page={page}
        hasNext={next !== undefined}
        onPrev={() => setPage((p) => Math.max(0, p - 1))}
        onNext={() => {
          setTokens((t) => [...t.slice(0, page + 1), next]);
          setPage((p) => p + 1);
        }}
      />
    </Panel>
  );
}
