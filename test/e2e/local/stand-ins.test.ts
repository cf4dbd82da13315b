/**
 * The whole local stack with what cannot run locally: a Glue stand-in declared in the config's
 * `standIns`, a MockConfigFile test case named at StartExecution (`stateMachineArn#TestCase`), as
 * a client sees them through the Step Functions API, on the virtual clock.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { localStacks } from '../../support/stack-env.ts';

const stacks = localStacks();
const dir = mkdtempSync(join(tmpdir(), 'longhaul-stand-ins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const definitionFile = join(dir, 'nightly.asl.json');
writeFileSync(definitionFile, JSON.stringify({
  StartAt: 'Load',
  States: {
    Load: {
      Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { JobName: 'nightly-load' }, Next: 'Query',
      ResultSelector: { 'state.$': '$.JobRunState' }, ResultPath: '$.load',
    },
    Query: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:athena:startQueryExecution', Parameters: { QueryString: 'SELECT 1' }, ResultPath: '$.query', End: true },
  },
}));
const mockFile = join(dir, 'MockConfigFile.json');
writeFileSync(mockFile, JSON.stringify({
  StateMachines: { nightly: { TestCases: { QueryMocked: { Query: 'QueryStarted' } } } },
  MockedResponses: { QueryStarted: { '0': { Return: { QueryExecutionId: 'q-1' } } } },
}));

describe('stand-ins and mocks in the whole local stack', () => {
  it('runs a config-declared Glue stand-in for 40 virtual minutes, a mocked Athena call, and names the missing stand-in otherwise', async () => {
    // Prepare
    const env = await stacks({
      config: (c) => ({
        ...c,
        stateMachines: [...(c.stateMachines ?? []), { name: 'nightly', definitionFile }],
        standIns: { 'glue:startJobRun.sync': resolve('test/support/stand-ins/glue-job.mjs') },
        mockConfig: mockFile,
      }),
    });
    const arn = env.stack.stateMachines.nightly;

    // Act
    const mocked = await env.sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#QueryMocked`, input: '{}' }));
    const mockedEnd = await env.finish(mocked.executionArn!);
    const unmocked = await env.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }));
    const unmockedEnd = await env.finish(unmocked.executionArn!);
    const { events = [] } = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn: mocked.executionArn }));

    // Assess
    expect(mockedEnd.outcome).toEqual({ status: 'SUCCEEDED', output: { load: { state: 'SUCCEEDED' }, query: { QueryExecutionId: 'q-1' } } });
    const t0 = events[0].timestamp!.getTime();
    const at = (type: string) => events.filter((e) => e.type === type).map((e) => (e.timestamp!.getTime() - t0) / 1000);
    expect(at('TaskSubmitted')).toEqual([0]);
    expect(at('TaskSucceeded')).toEqual([2400, 2400]);
    expect(events.filter((e) => e.type === 'TaskScheduled').map((e) => [e.taskScheduledEventDetails?.resourceType, e.taskScheduledEventDetails?.resource]))
      .toEqual([['glue', 'startJobRun.sync'], ['aws-sdk:athena', 'startQueryExecution']]);
    expect(unmockedEnd.outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect((unmockedEnd.outcome as { cause: string }).cause).toContain('"standIns": { "aws-sdk:athena:startQueryExecution": "standins/athena-startQueryExecution.mjs" }');
  });
});
