/**
 * Every action of the Step Functions API, as the SDK's client has them, answers: a request with
 * no fields may be refused (ValidationException, a missing resource), but never as an operation
 * the server does not know. The list comes from `@aws-sdk/client-sfn` itself, so an action the
 * SDK gains shows up here.
 */
import { describe, expect, it } from '@jest/globals';
import * as sfnModule from '@aws-sdk/client-sfn';
import { apiEnvs } from './api-env.ts';

const apiEnv = apiEnvs();

type CommandClass = new (input: object) => Parameters<sfnModule.SFNClient['send']>[0];

/** `StartExecutionCommand` → `StartExecution`, for every command the client exports. */
const ACTIONS = Object.entries(sfnModule)
  .filter(([name, value]) => /^[A-Z]\w*Command$/.test(name) && name !== 'Command' && typeof value === 'function')
  .map(([name, value]) => [name.slice(0, -'Command'.length), value as unknown as CommandClass] as const)
  .sort(([a], [b]) => a.localeCompare(b));

describe('the Step Functions API', () => {
  it('finds the actions in the SDK client (37 in client-sfn 3.1164)', () => {
    // Assess
    expect(ACTIONS.length).toBeGreaterThanOrEqual(37);
    expect(ACTIONS.map(([a]) => a)).toEqual(expect.arrayContaining(['StartExecution', 'DescribeMapRun', 'GetActivityTask', 'ListStateMachineAliases']));
  });

  it('answers every action of the SDK client as an operation it knows', async () => {
    // Prepare
    const env = await apiEnv();
    const unknown: string[] = [];

    // Act
    for (const [action, Command] of ACTIONS) {
      // StartSyncExecution and TestState go to the `sync-` host prefix, which a local endpoint lacks
      const client = action === 'StartSyncExecution' || action === 'TestState' ? env.syncSfn : env.sfn;
      try {
        await client.send(new Command({}));
      } catch (e) {
        if ((e as { name?: string }).name === 'UnknownOperationException') unknown.push(action);
      }
    }

    // Assess
    expect(unknown).toEqual([]);
  });
});
