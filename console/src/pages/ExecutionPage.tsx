/**
 * One execution: its graph coloured by what happened, the selected state's input, output and
 * variables, what it waits on (task tokens to complete by hand, timers to skip), its event
 * history (paged), and the actions AWS's console has (New execution, Redrive, Stop). While it
 * runs, it is polled every second for new events only.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import { api, eventsAfter, type ExecutionDescription, type HistoryEvent, type PendingTimer, type PendingToken, type StateMachineDescription } from '../api.ts';
import { ErrorMessage, JsonBlock, Panel, StatusBadge } from '../components/common.tsx';
import { Graph } from '../components/Graph.tsx';
import { HistoryTable } from '../components/HistoryTable.tsx';
import { StartExecution } from '../components/StartExecution.tsx';
import { TaskTokenForm } from '../components/TaskTokenForm.tsx';
import { formatDate, machineRoute, usePoll } from '../hooks.ts';
import { redriveEligibility } from '../model/redrive.ts';
import { executionView, STATUS_LABEL } from '../model/status.ts';

const POLL_MS = 1000;

export function ExecutionPage({ arn }: { arn: string }) {
  const [desc, setDesc] = useState<ExecutionDescription | undefined>();
  const [machine, setMachine] = useState<StateMachineDescription | undefined>();
  const [events, setEvents] = useState<HistoryEvent[]>([]);
  const [tokens, setTokens] = useState<PendingToken[]>([]);
  const [timers, setTimers] = useState<{ timers: PendingTimer[]; skippable: boolean }>({ timers: [], skippable: false });
  const [selected, setSelected] = useState<string | undefined>();
  const [tab, setTab] = useState<'events' | 'io'>('events');
  const [rerun, setRerun] = useState(false);
  const [error, setError] = useState<unknown>();
  const [actionError, setActionError] = useState<unknown>();
  const [poke, setPoke] = useState(0);
  const lastId = useRef(0);
  const loading = useRef<Promise<void> | undefined>(undefined);

  const refresh = useCallback(async () => {
    // one refresh at a time: a poll and an action's refresh must not both append the same events
    while (loading.current) await loading.current;
    const work = (async () => {
      try {
        const [d, m] = await Promise.all([api.describeExecution(arn), machine ? Promise.resolve(machine) : api.describeStateMachineForExecution(arn)]);
        const fresh = await eventsAfter(arn, lastId.current);
        if (fresh.length > 0) {
          lastId.current = fresh[fresh.length - 1].id;
          setEvents((old) => (old.length === 0 ? fresh : old.concat(fresh)));
        }
        if (d.status === 'RUNNING') {
          const [tk, tm] = await Promise.all([api.listTaskTokens(arn).catch(() => ({ taskTokens: [] })), api.listTimers(arn).catch(() => ({ timers: [], skippable: false }))]);
          setTokens(tk.taskTokens);
          setTimers(tm);
        } else {
          setTokens([]);
          setTimers({ timers: [], skippable: false });
        }
        setMachine(m);
        setDesc(d);
        setError(undefined);
      } catch (e) {
        setError(e);
      }
    })();
    loading.current = work;
    await work;
    loading.current = undefined;
  }, [arn, machine]);

  usePoll(refresh, POLL_MS, desc === undefined || desc.status === 'RUNNING', [arn, poke]);

  const view = useMemo(
    () => executionView(events, { executionStatus: desc?.status ?? 'RUNNING', waitingTokens: tokens.map((t) => t.stateName), waitingTimers: timers.timers.map((t) => t.stateName) }),
    [events, desc?.status, tokens, timers],
  );

  /** Runs an action, then reads the execution again (and polls again while it runs). */
  const act = async (action: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await action();
      await refresh();
      setPoke((n) => n + 1);
    } catch (e) {
      setActionError(e);
    }
  };

  if (!desc || !machine) {
    return <Panel title="Execution"><ErrorMessage error={error} />{!error && <p className="muted">Loading…</p>}</Panel>;
  }
  const redrive = redriveEligibility({ ...desc, type: machine.type, eventCount: events.length }, Date.now());
  const selectedState = selected ? view.states.get(selected) : undefined;
  return (
    <>
      <Panel
        title={<><a href={`#${machineRoute(desc.stateMachineArn)}`}>{machine.name}</a> / <span data-testid="execution-name">{desc.name}</span> <StatusBadge status={desc.status} /></>}
        actions={
          <>
            <button onClick={() => setRerun(true)} data-testid="new-execution">New execution</button>
            <button onClick={() => void act(() => api.redriveExecution(arn))} disabled={!redrive.allowed} title={redrive.allowed ? 'Continue from the states that did not succeed' : redrive.reason} data-testid="redrive">Redrive</button>
            <button onClick={() => void act(() => api.stopExecution(arn))} disabled={desc.status !== 'RUNNING'} data-testid="stop">Stop</button>
            <a className="button" href={`#/outbox/${encodeURIComponent(arn)}`} data-testid="outbox-link">Outbox</a>
          </>
        }
      >
        <ErrorMessage error={error} />
        <ErrorMessage error={actionError} />
        {rerun && <StartExecution stateMachineArn={desc.stateMachineArn} initialInput={JSON.stringify(JSON.parse(desc.input ?? '{}'), null, 2)} onClose={() => setRerun(false)} />}
        <dl className="facts">
          <dt>Started</dt><dd>{formatDate(desc.startDate)}</dd>
          <dt>Ended</dt><dd>{formatDate(desc.stopDate)}</dd>
          <dt>Redrives</dt><dd>{desc.redriveCount ?? 0}{desc.redriveDate !== undefined && ` (last ${formatDate(desc.redriveDate)})`}</dd>
          <dt>Events</dt><dd data-testid="event-count">{events.length}</dd>
        </dl>
        {!redrive.allowed && desc.status !== 'RUNNING' && <p className="muted" data-testid="redrive-reason">Redrive: {redrive.reason}</p>}
        {desc.error !== undefined && (
          <div className="failure" data-testid="execution-error"><b>{desc.error}</b>{desc.cause && <pre>{desc.cause}</pre>}</div>
        )}
      </Panel>
      {(tokens.length > 0 || timers.timers.length > 0) && (
        <Panel title="Waiting">
          {tokens.map((t) => (
            <TaskTokenForm key={t.taskToken} token={t} onSend={(send) => act(send)} />
          ))}
          {timers.timers.map((t) => (
            <div key={t.timerId} className="waiting" data-testid={`timer-${t.stateName}`}>
              <span><b>{t.stateName}</b>{t.mapIndex !== undefined && ` [${t.mapIndex}]`}: {t.kind === 'Wait' ? 'Wait state' : 'retry back-off'} until {formatDate(t.fireDate)}</span>
              {timers.skippable
                ? <button onClick={() => void act(() => api.skipWait(arn, t.timerId))} data-testid={`skip-${t.stateName}`}>Skip this wait</button>
                : <span className="muted">the virtual clock skips it by itself</span>}
            </div>
          ))}
        </Panel>
      )}
      <div className="split">
        <Panel title="Graph">
          <Graph definition={machine.definition} states={view.states} selected={selected} onSelect={setSelected} />
        </Panel>
        <Panel title={selected ? <>State <span data-testid="selected-state">{selected}</span></> : 'State'}>
          {!selected && <p className="muted">Select a state in the graph to see its input, output and variables.</p>}
          {selected && !selectedState && <p className="muted">Not reached.</p>}
          {selectedState && (
            <div data-testid="state-details">
              <p>{STATUS_LABEL[selectedState.status]}{selectedState.runs > 1 && ` · entered ${selectedState.runs} times, the latest shown`}</p>
              {selectedState.last.failure && (
                <div className="failure"><b>{selectedState.last.failure.error}</b>{selectedState.last.failure.cause && <pre>{selectedState.last.failure.cause}</pre>}</div>
              )}
              <JsonBlock label="Input" text={selectedState.last.input} testId="state-input" />
              <JsonBlock label="Output" text={selectedState.last.output} testId="state-output" />
              {selectedState.last.variables && <JsonBlock label="Variables assigned" text={JSON.stringify(Object.fromEntries(Object.entries(selectedState.last.variables).map(([k, v]) => [k, JSON.parse(v)])))} testId="state-variables" />}
            </div>
          )}
        </Panel>
      </div>
      <Panel title={
        <div className="tabs inline-tabs">
          <button className={tab === 'events' ? 'active' : ''} onClick={() => setTab('events')} data-testid="tab-events">Events</button>
          <button className={tab === 'io' ? 'active' : ''} onClick={() => setTab('io')} data-testid="tab-io">Input and output</button>
        </div>
      }>
        {tab === 'events' ? <HistoryTable events={events} stateOfEvent={view.stateOfEvent} startDate={desc.startDate} /> : (
          <div className="split">
            <JsonBlock label="Input" text={desc.input} testId="execution-input-json" />
            <JsonBlock label="Output" text={desc.output} testId="execution-output-json" />
          </div>
        )}
      </Panel>
    </>
  );
}
