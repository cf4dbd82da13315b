/**
 * `aws-sdk:<service>:<action>` for the services the whole local stack emulates besides S3, SQS,
 * SNS and DynamoDB: Step Functions itself (through the engine's own API, without deadlocking the
 * engine that runs the caller), Lambda, EventBridge and SES v2, with AWS's error names; and an
 * aws-sdk service the stack does not emulate, which fails saying how to declare a stand-in.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localStacks, type StackEnv } from '../../support/stack-env.ts';
import { withMachines as machinesInConfig } from '../../support/config-additions.ts';
import type { StackConfig, StackRule } from '../../../local/stack.ts';
import { missingStandInMessage } from '../../../local/stand-ins/stand-ins.ts';
import { detailsOf, eventsOf } from '../../support/engine-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'longhaul-aws-sdk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARN = 'arn:aws:states:us-east-1:123456789012';
const ECHO_FUNCTION = resolve('test/support/functions/echo.mjs');
const FAIL_FUNCTION = resolve('test/support/functions/fail.mjs');
const sdk = (service: string, action: string) => `arn:aws:states:::aws-sdk:${service}:${action}`;

/** The project's config with these state machines (name → definition), rules and functions added. */
const withMachines = (machines: Record<string, object>, extra: { rules?: StackRule[]; functions?: StackConfig['functions'] } = {}) => machinesInConfig(dir, machines, extra);

/** One Task state calling `resource`, every error caught into the output as `{ Error, Cause }`. */
function oneCall(resource: string, parameters: object): object {
  return {
    StartAt: 'Call',
    States: {
      Call: { Type: 'Task', Resource: resource, Parameters: parameters, End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] },
      Caught: { Type: 'Pass', End: true },
    },
  };
}

async function run(env: StackEnv, machine: string, input: object = {}) {
  const { executionArn } = env.stack.engine.startExecution({ stateMachineArn: env.stack.stateMachines[machine], input: JSON.stringify(input) });
  return { executionArn, ...(await env.finish(executionArn)) };
}

/** A child that takes nine and a half virtual minutes. */
const CHILD = {
  StartAt: 'Work',
  States: { Work: { Type: 'Wait', Seconds: 570, Next: 'Done' }, Done: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } },
};

/** Starts the child, then polls it every minute until it has ended. */
const PARENT = {
  StartAt: 'Start',
  States: {
    Start: {
      Type: 'Task', Resource: sdk('sfn', 'startExecution'),
      Parameters: { StateMachineArn: `${ARN}:stateMachine:child`, 'Name.$': '$.name', Input: { 'n.$': '$.n' } },
      ResultPath: '$.started', Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 60, Next: 'Poll' },
    Poll: {
      Type: 'Task', Resource: sdk('sfn', 'describeExecution'), Parameters: { 'ExecutionArn.$': '$.started.ExecutionArn' },
      ResultPath: '$.child', Next: 'Ended?',
    },
    'Ended?': { Type: 'Choice', Choices: [{ Variable: '$.child.Status', StringEquals: 'SUCCEEDED', Next: 'Read' }], Default: 'Count' },
    Count: { Type: 'Pass', Parameters: { 'name.$': '$.name', 'n.$': '$.n', 'started.$': '$.started', 'polls.$': 'States.MathAdd($.polls, 1)' }, Next: 'Pause' },
    Read: { Type: 'Pass', Parameters: { 'polls.$': '$.polls', 'result.$': 'States.StringToJson($.child.Output)', 'executionArn.$': '$.started.ExecutionArn' }, End: true },
  },
};

const stacks = localStacks();

describe('aws-sdk:sfn in the local stack', () => {
  it('starts a child through the engine\'s own API and polls it with describeExecution in a Wait/Choice loop until it succeeds', async () => {
    // Prepare
    const env = await stacks({ config: withMachines({ child: CHILD, parent: PARENT }) });

    // Act
    const parent = await run(env, 'parent', { name: 'child-1', n: 21, polls: 0 });

    // Assess
    expect(parent.outcome).toEqual({ status: 'SUCCEEDED', output: { polls: 9, result: { doubled: 42 }, executionArn: `${ARN}:execution:child:child-1` } });
    expect(env.stack.engine.describeExecution(`${ARN}:execution:child:child-1`).status).toBe('SUCCEEDED');
    expect(eventsOf(parent.history, 'TaskScheduled').map((e) => detailsOf(e))).toEqual([
      expect.objectContaining({ resourceType: 'aws-sdk:sfn', resource: 'startExecution' }),
      ...Array.from({ length: 10 }, () => expect.objectContaining({ resourceType: 'aws-sdk:sfn', resource: 'describeExecution' })),
    ]);
    // nine and a half virtual minutes of child, polled each minute: the clock ran while the parent called its own engine
    expect(env.elapsedMs()).toBeGreaterThanOrEqual(570_000);
  });

  it('catches a second start of the same name with other input as Sfn.ExecutionAlreadyExistsException', async () => {
    // Prepare
    const twice = {
      StartAt: 'First',
      States: {
        First: { Type: 'Task', Resource: sdk('sfn', 'startExecution'), Parameters: { StateMachineArn: `${ARN}:stateMachine:child`, Name: 'once', Input: { n: 1 } }, ResultPath: null, Next: 'Again' },
        Again: {
          Type: 'Task', Resource: sdk('sfn', 'startExecution'), Parameters: { StateMachineArn: `${ARN}:stateMachine:child`, Name: 'once', Input: { n: 2 } }, End: true,
          Catch: [{ ErrorEquals: ['Sfn.ExecutionAlreadyExistsException'], Next: 'Duplicate' }],
        },
        Duplicate: { Type: 'Pass', End: true },
      },
    };
    const env = await stacks({ config: withMachines({ child: CHILD, twice }) });

    // Act
    const { outcome } = await run(env, 'twice');

    // Assess
    expect(outcome).toEqual({
      status: 'SUCCEEDED',
      output: { Error: 'Sfn.ExecutionAlreadyExistsException', Cause: expect.stringMatching(/\(Service: Sfn, Status Code: 400, Request ID: [^)]+\)$/) },
    });
  });
});

describe('aws-sdk:lambda, aws-sdk:eventbridge and aws-sdk:sesv2 in the local stack', () => {
  it('invokes a local function with lambda:invoke and returns its Payload as the text the function answered, its error as FunctionError, a missing one as Lambda.ResourceNotFoundException', async () => {
    // Prepare
    const env = await stacks({
      config: withMachines(
        {
          invoker: oneCall(sdk('lambda', 'invoke'), { FunctionName: 'echo', Payload: { 'order.$': '$.order' } }),
          failing: oneCall(sdk('lambda', 'invoke'), { FunctionName: `arn:aws:lambda:us-east-1:123456789012:function:fail` }),
          missing: oneCall(sdk('lambda', 'invoke'), { FunctionName: 'nowhere' }),
        },
        { functions: { echo: { handler: `${ECHO_FUNCTION}#handler` }, fail: { handler: `${FAIL_FUNCTION}#handler` } } },
      ),
    });

    // Act
    const invoked = await run(env, 'invoker', { order: 42 });
    const failing = await run(env, 'failing');
    const missing = await run(env, 'missing');

    // Assess
    expect(invoked.outcome).toEqual({ status: 'SUCCEEDED', output: { ExecutedVersion: '$LATEST', Payload: '{"order":42}', StatusCode: 200 } });
    // unlike lambda:invoke, the SDK integration answers a function's error rather than failing on it
    expect(failing.outcome).toEqual({ status: 'SUCCEEDED', output: { ExecutedVersion: '$LATEST', FunctionError: 'Unhandled', Payload: expect.any(String), StatusCode: 200 } });
    expect(JSON.parse((failing.outcome as unknown as { output: { Payload: string } }).output.Payload)).toMatchObject({ errorType: 'ValidationError', errorMessage: 'order 42 has no lines' });
    expect(missing.outcome).toEqual({
      status: 'SUCCEEDED',
      output: { Error: 'Lambda.ResourceNotFoundException', Cause: expect.stringMatching(/^Function not found: arn:aws:lambda:us-east-1:123456789012:function:nowhere.*\(Service: Lambda, Status Code: 404/) },
    });
  });

  it('puts events with eventbridge:putEvents onto the bus a rule matches, and refuses other EventBridge actions as not emulated', async () => {
    // Prepare
    const announcer = oneCall(sdk('eventbridge', 'putEvents'), { Entries: [{ Source: 'longhaul.reports', DetailType: 'Report Ready', Detail: { 'key.$': '$.key' } }] });
    const lister = oneCall(sdk('eventbridge', 'listRules'), {});
    const env = await stacks({
      config: withMachines({ announcer, lister, 'on-report-ready': { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } } }, {
        rules: [{ name: 'report-ready', eventPattern: { source: ['longhaul.reports'], 'detail-type': ['Report Ready'] }, stateMachine: 'on-report-ready' }],
      }),
    });

    // Act
    const put = await run(env, 'announcer', { key: 'q3.csv' });
    // a rule starts its state-machine target as the event is put
    const started = env.stack.engine.listExecutions({ stateMachineArn: env.stack.stateMachines['on-report-ready'] });
    const listed = await run(env, 'lister');

    // Assess
    expect(put.outcome).toEqual({ status: 'SUCCEEDED', output: { Entries: [{ EventId: expect.any(String) }], FailedEntryCount: 0 } });
    const eventId = (put.outcome as unknown as { output: { Entries: { EventId: string }[] } }).output.Entries[0].EventId;
    expect(started).toHaveLength(1);
    const target = await env.finish(started[0].arn);
    expect(target.outcome).toMatchObject({ status: 'SUCCEEDED', output: { id: eventId, source: 'longhaul.reports', 'detail-type': 'Report Ready', detail: { key: 'q3.csv' } } });
    expect(listed.outcome).toEqual({
      status: 'SUCCEEDED',
      output: { Error: 'EventBridge.EventBridgeException', Cause: expect.stringContaining('ListRules is not emulated: the local event bus answers only PutEvents') },
    });
  });

  it('sends an e-mail with sesv2:sendEmail through the local SES endpoint into the outbox, under the task that sent it, and any other SES action to that endpoint', async () => {
    // Prepare
    const mailer = oneCall(sdk('sesv2', 'sendEmail'), {
      FromEmailAddress: 'reports@example.com', Destination: { ToAddresses: ['ops@example.com'] },
      Content: { Simple: { Subject: { Data: 'Report q3 ready' }, Body: { Text: { Data: 'see s3://reports/q3.csv' } } } },
    });
    const env = await stacks({ config: withMachines({ mailer, account: oneCall(sdk('sesv2', 'getAccount'), {}) }) });

    // Act
    const { executionArn, outcome } = await run(env, 'mailer');
    const account = await run(env, 'account');

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { MessageId: expect.stringMatching(/^0100[0-9a-f]{16}-/) } });
    expect(env.emails('Report q3 ready')).toEqual([{ subject: 'Report q3 ready', text: 'see s3://reports/q3.csv', to: ['ops@example.com'] }]);
    const entry = env.stack.outbox.list({ channel: 'email' }).find((e) => e.id === (outcome as unknown as { output: { MessageId: string } }).output.MessageId);
    expect(entry).toMatchObject({ resource: sdk('sesv2', 'sendEmail'), executionArn, stateName: 'Call' });
    // any action goes to the SES endpoint, which answers only SendEmail
    expect(account.outcome).toEqual({
      status: 'SUCCEEDED',
      output: { Error: 'SesV2.NotFoundException', Cause: expect.stringMatching(/^The local SES endpoint serves only SendEmail .*\(Service: SesV2, Status Code: 404, Request ID: [^)]+\)$/) },
    });
  });

  it('fails an aws-sdk task of a service the stack does not emulate with the message that says how to declare a stand-in', async () => {
    // Prepare
    const resource = sdk('athena', 'startQueryExecution');
    const query = { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: resource, Parameters: { QueryString: 'SELECT 1' }, End: true } } };
    const env = await stacks({ config: withMachines({ query }) });

    // Act
    const { outcome } = await run(env, 'query');

    // Assess: States.Runtime, which no Catch can catch
    expect(outcome).toEqual({ status: 'FAILED', error: 'States.Runtime', cause: expect.stringContaining(missingStandInMessage(resource)) });
  });
});
