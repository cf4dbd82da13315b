/** The start-execution form: JSON input checked before anything is sent, an optional name. */
import { useState } from 'react';
import { api } from '../api.ts';
import { executionRoute, go } from '../hooks.ts';
import { checkJson } from '../model/input.ts';
import { ErrorMessage } from './common.tsx';

export function StartExecution({ stateMachineArn, initialInput, onClose }: { stateMachineArn: string; initialInput?: string; onClose: () => void }) {
  const [input, setInput] = useState(initialInput ?? '{\n  \n}');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setError(undefined);
    const check = checkJson(input, 'The input', '{}');
    if (!check.ok) {
      setProblem(check.message);
      return;
    }
    setProblem(undefined);
    setBusy(true);
    try {
      const { executionArn } = await api.startExecution(stateMachineArn, check.text, name.trim() || undefined);
      onClose();
      go(executionRoute(executionArn));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="dialog" role="dialog" aria-label="Start execution" data-testid="start-dialog">
      <h3>Start execution</h3>
      <label>Name (optional)<input value={name} onChange={(e) => setName(e.target.value)} placeholder="generated when empty" data-testid="execution-name" /></label>
      <label>Input (JSON)
        <textarea value={input} onChange={(e) => setInput(e.target.value)} rows={10} spellCheck={false} data-testid="execution-input" aria-invalid={problem !== undefined} />
      </label>
      {problem && <div className="error-message" role="alert" data-testid="input-error">{problem}</div>}
      <ErrorMessage error={error} />
      <div className="buttons">
        <button className="primary" onClick={() => void start()} disabled={busy} data-testid="start-submit">Start execution</button>
        <button onClick={onClose}>Cancel</button>
      </div>
    </div>
  );
}
