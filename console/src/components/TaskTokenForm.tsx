/**
 * Completing a task-token wait by hand, as the external system would: SendTaskSuccess with JSON
 * output (checked before it is sent), or SendTaskFailure with an error and a cause.
 */
import { useState } from 'react';
import { api, type PendingToken } from '../api.ts';
import { checkJson } from '../model/input.ts';

export function TaskTokenForm({ token, onSend }: { token: PendingToken; onSend: (send: () => Promise<unknown>) => Promise<void> }) {
  const [output, setOutput] = useState('{}');
  const [error, setError] = useState('');
  const [cause, setCause] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const succeed = () => {
    const check = checkJson(output, 'The output');
    if (!check.ok) return setProblem(check.message);
    setProblem(undefined);
    void onSend(() => api.sendTaskSuccess(token.taskToken, check.text));
  };
  const fail = () => {
    setProblem(undefined);
    void onSend(() => api.sendTaskFailure(token.taskToken, error, cause));
  };
  const id = token.stateName;
  return (
    <div className="token-form" data-testid={`task-token-${id}`}>
      <p><b>{token.stateName}</b>{token.mapIndex !== undefined && ` [${token.mapIndex}]`} waits for a task token. <code title={token.taskToken}>{token.taskToken.slice(0, 16)}…</code></p>
      <div className="split">
        <div>
          <label>Output (JSON)<textarea rows={4} value={output} onChange={(e) => setOutput(e.target.value)} spellCheck={false} data-testid="token-output" /></label>
          {problem && <div className="error-message" role="alert">{problem}</div>}
          <button className="primary" onClick={succeed} data-testid="token-success">Send task success</button>
        </div>
        <div>
          <label>Error<input value={error} onChange={(e) => setError(e.target.value)} data-testid="token-error" /></label>
          <label>Cause<input value={cause} onChange={(e) => setCause(e.target.value)} data-testid="token-cause" /></label>
          <button className="danger" onClick={fail} data-testid="token-failure">Send task failure</button>
        </div>
      </div>
    </div>
  );
}
