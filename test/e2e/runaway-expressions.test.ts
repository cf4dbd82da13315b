/**
 * Runaway expressions against the whole server: executions whose JSONata never ends (or recurses
 * without end) run next to a bystander while the API is probed, then the same data folder is
 * opened again, as after a crash, and served.
 *
 * Budgets are short (1 s of evaluation time) so the test stays quick; assertions are about order
 * (the API answered while the runaway was still RUNNING), never about milliseconds.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../../engine/api/server.ts';
import { runSingleState } from '../../engine/api/single-state.ts';
import { Engine } from '../../engine/engine.ts';
import { VirtualScheduler } from '../../engine/runtime/clock.ts';
import type { EvaluationLimits } from '../../engine/query/jsonata/index.ts';
import type { ExecutionOutcome } from '../../engine/runtime/interpreter.ts';
import { until } from './api/api-env.ts';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/test-role';
const LIMITS: Partial<EvaluationLimits> = { timeMs: 1_000, maxSteps: 1e12, sliceMs: 5 };
const BUDGET_CAUSE = 'exceeded its evaluation budget';

/** A one-state JSONata machine whose Output is `expression`. */
function passMachine(expression: string): object {
  return { QueryLanguage: 'JSONata', StartAt: 'Evaluate', States: { Evaluate: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } } };
}

const RUNAWAYS: Record<string, object> = {
  'calls-itself': passMachine('($f := function(){ $f() }; $f())'),
  'tail-loop': passMachine('($loop := function($i){ $loop($i + 1) }; $loop(0))'),
  'deep-recursion': passMachine('($f := function($n){ 1 + $f($n + 1) }; $f(0))'),
};

const MACHINES: Record<string, object> = {
  ...RUNAWAYS,
  backtracking: passMachine('$contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a+)+$/)'),
  bystander: {
    QueryLanguage: 'JSONata',
    StartAt: 'Check',
    States: {
      Check: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.i < 300 %}', Next: 'Inc' }], Default: 'Done' },
      Inc: { Type: 'Pass', Output: '{% { "i": $states.input.i + 1 } %}', Next: 'Check' },
      Done: { Type: 'Succeed' },
    },
  },
  // an hour's sleep keeps it RUNNING in the data folder; the runaway comes after the restart
  'sleeps-then-spins': {
    QueryLanguage: 'JSONata',
    StartAt: 'Sleep',
    States: {
      Sleep: { Type: 'Wait', Seconds: 3600, Next: 'Spin' },
      Spin: { Type: 'Pass', Output: '{% ($loop := function($i){ $loop($i + 1) }; $loop(0)) %}', End: true },
    },
  },
};

interface Stack {
  engine: Engine;
  server: ApiServer;
  sfn: SFNClient;
  scheduler: VirtualScheduler;
  close(): Promise<void>;
}

const open: Stack[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const stack of open.splice(0)) await stack.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The engine on `database` behind the API server, reached through the real SFNClient. */
async function serve(database: string): Promise<Stack> {
  const scheduler = new VirtualScheduler();
  const engine = new Engine({ database, scheduler, evaluationLimits: LIMITS });
  const server = await startApiServer({ engine, consoleDir: false });
  const sfn = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  let closed = false;
  const stack: Stack = {
    engine,
    server,
    sfn,
    scheduler,
    close: async () => {
      if (closed) return;
      closed = true;
      sfn.destroy();
      await server.close();
      engine.close();
    },
  };
  open.push(stack);
  return stack;
}

/** The cause of a failed outcome ('' for a success). */
function causeOf(outcome: ExecutionOutcome): string {
  return 'cause' in outcome ? (outcome.cause ?? '') : '';
}

async function describeExecution(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

describe('a server running runaway expressions', () => {
  it('keeps answering, fails each runaway on its budget, lets a bystander finish, and does the same after a restart on the same data', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-runaway-'));
    dirs.push(dir);
    const database = join(dir, 'engine.db');
    const first = await serve(database);
    // the clock stands still in the first life: the sleeper stays asleep until the restart
    first.scheduler.beginWork();
    const arns: Record<string, string> = {};
    for (const [name, definition] of Object.entries(MACHINES)) {
      arns[name] = first.engine.createStateMachine({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN }).arn;
    }
    const start = async (name: string) =>
      (await first.sfn.send(new StartExecutionCommand({ stateMachineArn: arns[name], name: `${name}-run`, input: '{"i": 0}' }))).executionArn!;

    // Act: the runaways start, then the API is probed while they run
    const runaways = await Promise.all(Object.keys(RUNAWAYS).map(start));
    const listed = await first.sfn.send(new ListStateMachinesCommand({}));
    const duringRunaway = await describeExecution(first.sfn, runaways[0]);
    const bystander = await start('bystander');
    const backtracking = await start('backtracking');
    const sleeper = await start('sleeps-then-spins');
    const bystanderOutcome = await first.engine.waitFor(bystander);
    const runawayWhenBystanderEnded = await describeExecution(first.sfn, runaways[1]);
    const runawayOutcomes = await Promise.all(runaways.map((arn) => first.engine.waitFor(arn)));
    const backtrackingOutcome = await first.engine.waitFor(backtracking);
    const afterwards = await first.sfn.send(new ListStateMachinesCommand({}));

    // Assess: the API answered while the runaways ran, and the bystander ended before them
    expect(listed.stateMachines).toHaveLength(Object.keys(MACHINES).length);
    expect(duringRunaway.status).toBe('RUNNING');
    expect(bystanderOutcome).toEqual({ status: 'SUCCEEDED', output: { i: 300 } });
    expect(runawayWhenBystanderEnded.status).toBe('RUNNING');
    for (const outcome of runawayOutcomes) {
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
      expect(causeOf(outcome)).toContain(BUDGET_CAUSE);
    }
    expect(backtrackingOutcome).toEqual({ status: 'SUCCEEDED', output: false });
    expect(afterwards.stateMachines).toHaveLength(Object.keys(MACHINES).length);
    expect((await describeExecution(first.sfn, sleeper)).status).toBe('RUNNING');

    // Act: a second life on the same data folder, as after a crash
    await first.close();
    const second = await serve(database);
    // the sleeper rests in the store on its Wait: the restart loads it when its wake-up comes
    second.engine.resumeAll();
    const servedAfterRestart = await Promise.all(runaways.map((arn) => describeExecution(second.sfn, arn)));
    await until(() => second.engine.history(sleeper).some((e) => e.type === 'PassStateEntered'), 'the resumed execution to reach its runaway state');
    const duringResumedRunaway = await describeExecution(second.sfn, sleeper);
    const sleeperOutcome = await second.engine.waitFor(sleeper);
    const sleeperDescribed = await describeExecution(second.sfn, sleeper);
    const listedAfterRestart = await second.sfn.send(new ListStateMachinesCommand({}));

    // Assess: the failed runaways read back as they ended; the resumed one fails the same way
    for (const [i, described] of servedAfterRestart.entries()) {
      expect(described).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError', cause: causeOf(runawayOutcomes[i]) });
    }
    expect(duringResumedRunaway.status).toBe('RUNNING');
    expect(sleeperOutcome).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(causeOf(sleeperOutcome)).toContain(`'Spin' (entered at the event id #`);
    expect(causeOf(sleeperOutcome)).toContain(BUDGET_CAUSE);
    expect(sleeperDescribed.status).toBe('FAILED');
    expect(listedAfterRestart.stateMachines).toHaveLength(Object.keys(MACHINES).length);
  });

  it('retries and catches a budget failure as any States.QueryEvaluationError', async () => {
    // Prepare: a step cap keeps it quick; the runaway sits in a branch whose Parallel retries once, then catches
    const engine = new Engine({ database: ':memory:', scheduler: new VirtualScheduler(), evaluationLimits: { maxSteps: 20_000 } });
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Guarded',
      States: {
        Guarded: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Spin', States: { Spin: { Type: 'Pass', Output: '{% ($f := function(){ $f() }; $f()) %}', End: true } } }],
          Retry: [{ ErrorEquals: ['States.QueryEvaluationError'], MaxAttempts: 1, IntervalSeconds: 1 }],
          Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Output: '{% $states.errorOutput %}', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    };
    const sm = engine.createStateMachine({ name: 'guarded', definition: JSON.stringify(definition), roleArn: ROLE_ARN });

    // Act
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, input: '{}' });
    const outcome = await engine.waitFor(executionArn);
    const entered = engine.history(executionArn).filter((e) => e.type === 'PassStateEntered').length;
    engine.close();

    // Assess: Spin entered twice (first try and retry), then Handled
    expect(entered).toBe(3);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'States.QueryEvaluationError' } });
    expect(JSON.stringify(outcome)).toContain('exceeded its evaluation budget: it took more than 20000 evaluation steps.');
  });

  it('stops a runaway at once on StopExecution, without spending its budget or recording an evaluation failure', async () => {
    // Prepare: a budget no test would wait for
    const engine = new Engine({ database: ':memory:', scheduler: new VirtualScheduler(), evaluationLimits: { timeMs: 600_000, maxSteps: 1e12 } });
    const sm = engine.createStateMachine({ name: 'spin', definition: JSON.stringify(RUNAWAYS['tail-loop']), roleArn: ROLE_ARN });
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, input: '{}' });
    await until(() => engine.history(executionArn).some((e) => e.type === 'PassStateEntered'), 'the runaway state to start');

    // Act
    engine.stopExecution(executionArn, 'Stopped', 'by the test');
    const outcome = await engine.waitFor(executionArn);
    const types = engine.history(executionArn).map((e) => e.type);
    engine.close();

    // Assess
    expect(outcome).toEqual({ status: 'ABORTED', error: 'Stopped', cause: 'by the test' });
    expect(types).toEqual(['ExecutionStarted', 'PassStateEntered', 'ExecutionAborted']);
  });

  it('stops a runaway at once when the engine halts for a graceful stop, recording nothing', async () => {
    // Prepare: a budget no test would wait for, on a file the next engine reopens
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-runaway-halt-'));
    const database = join(dir, 'engine.db');
    try {
      const scheduler = new VirtualScheduler();
      const engine = new Engine({ database, scheduler, evaluationLimits: { timeMs: 600_000, maxSteps: 1e12 } });
      const sm = engine.createStateMachine({ name: 'spin', definition: JSON.stringify(RUNAWAYS['tail-loop']), roleArn: ROLE_ARN });
      const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, input: '{}' });
      await until(() => engine.history(executionArn).some((e) => e.type === 'PassStateEntered'), 'the runaway state to start');

      // Act: the virtual clock jumps only once nothing runs: a runaway still evaluating would hold it
      engine.halt();
      await scheduler.sleepUntil(scheduler.now() + 60_000).promise;
      engine.close();
      const reopened = new Engine({ database, scheduler: new VirtualScheduler() });
      const row = reopened.describeExecution(executionArn);
      const types = reopened.history(executionArn).map((e) => e.type);
      reopened.close();

      // Assess: frozen at its last commit, to resume at the next start
      expect(row.status).toBe('RUNNING');
      expect(types).toEqual(['ExecutionStarted', 'PassStateEntered']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holds TestState to the engine's own evaluation budget", async () => {
    // Prepare: a budget much smaller than the default
    const engine = new Engine({ database: ':memory:', scheduler: new VirtualScheduler(), evaluationLimits: { maxSteps: 20_000 } });
    const state = { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% ($loop := function($i){ $loop($i + 1) }; $loop(0)) %}', End: true };

    // Act
    const result = await runSingleState(engine, { definition: JSON.stringify(state), input: '{}', inspectionLevel: 'INFO' });
    engine.close();

    // Assess
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(result.cause).toContain('exceeded its evaluation budget: it took more than 20000 evaluation steps.');
  });
});

