/**
 * State machine versions and aliases through the real SFNClient: publishing (on its own, and with
 * `publish` on Create/UpdateStateMachine), listing, deleting, aliases routing StartExecution by
 * weight, and a version running its own definition after the machine changed.
 */
import { describe, it, expect } from '@jest/globals';
import {
  CreateStateMachineAliasCommand, CreateStateMachineCommand, DeleteStateMachineAliasCommand, DeleteStateMachineVersionCommand,
  DescribeExecutionCommand, DescribeStateMachineAliasCommand, ListExecutionsCommand, DescribeStateMachineCommand, ListStateMachineAliasesCommand,
  ListStateMachineVersionsCommand, PublishStateMachineVersionCommand, StartExecutionCommand, StartSyncExecutionCommand,
  UpdateStateMachineAliasCommand, UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { ROLE_ARN, apiEnvs, definition, rejection, type ApiEnv } from './api-env.ts';

const apiEnv = apiEnvs();
const says = (word: string) => definition({ Say: { Type: 'Pass', Result: word, End: true } });

async function machine(env: ApiEnv, word = 'one', extra: object = {}) {
  return env.sfn.send(new CreateStateMachineCommand({ name: 'greeter', roleArn: ROLE_ARN, definition: says(word), ...extra }));
}

async function finished(env: ApiEnv, executionArn: string) {
  for (;;) {
    const d = await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
  }
}

describe('PublishStateMachineVersion', () => {
  it('numbers versions from 1 and returns the same version for an unchanged revision', async () => {
    const env = await apiEnv();
    const { stateMachineArn } = await machine(env);

    const first = await env.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn, description: 'v1' }));
    const again = await env.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn }));

    expect(first.stateMachineVersionArn).toBe(`${stateMachineArn}:1`);
    expect(again.stateMachineVersionArn).toBe(`${stateMachineArn}:1`);
  });

  it('refuses a revisionId that is not the current one with ConflictException', async () => {
    const env = await apiEnv();
    const { stateMachineArn } = await machine(env);
    const { revisionId } = await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: says('two') }));

    const stale = await rejection(env.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn, revisionId: 'INITIAL' })));
    const current = await env.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn, revisionId }));

    expect(stale.name).toBe('ConflictException');
    expect(current.stateMachineVersionArn).toBe(`${stateMachineArn}:1`);
  });

  it('answers StateMachineDoesNotExist for an unknown machine', async () => {
    const env = await apiEnv();

    const err = await rejection(env.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope' })));

    expect(err.name).toBe('StateMachineDoesNotExist');
  });
});

describe('CreateStateMachine and UpdateStateMachine with publish', () => {
  it('publish a version with its description and return its ARN', async () => {
    const env = await apiEnv();

    const created = await machine(env, 'one', { publish: true, versionDescription: 'first' });
    const updated = await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, definition: says('two'), publish: true }));
    const v1 = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineVersionArn }));

    expect(created.stateMachineVersionArn).toBe(`${created.stateMachineArn}:1`);
    expect(updated.stateMachineVersionArn).toBe(`${created.stateMachineArn}:2`);
    expect(v1).toMatchObject({ description: 'first', definition: says('one') });
  });
});

describe('ListStateMachineVersions', () => {
  it('lists versions newest first, paged', async () => {
    const env = await apiEnv();
    const { stateMachineArn } = await machine(env, 'one', { publish: true });
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: says('two'), publish: true }));

    const page1 = await env.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn, maxResults: 1 }));
    const page2 = await env.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn, maxResults: 1, nextToken: page1.nextToken }));

    expect(page1.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${stateMachineArn}:2`]);
    expect(page2.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${stateMachineArn}:1`]);
    expect(page2.nextToken).toBeUndefined();
  });
});

describe('DeleteStateMachineVersion', () => {
  it('deletes a version no alias routes to, and never reuses its number', async () => {
    const env = await apiEnv();
    const { stateMachineArn, stateMachineVersionArn } = await machine(env, 'one', { publish: true });

    await env.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn }));
    const next = await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: says('two'), publish: true }));
    const { stateMachineVersions } = await env.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn }));

    expect(stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${stateMachineArn}:2`]);
    expect(next.stateMachineVersionArn).toBe(`${stateMachineArn}:2`);
  });

  it('refuses a version an alias routes to with ConflictException', async () => {
    const env = await apiEnv();
    const { stateMachineVersionArn } = await machine(env, 'one', { publish: true });
    await env.sfn.send(new CreateStateMachineAliasCommand({ name: 'prod', routingConfiguration: [{ stateMachineVersionArn, weight: 100 }] }));

    const err = await rejection(env.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn })));

    expect(err.name).toBe('ConflictException');
  });
});

describe('CreateStateMachineAlias', () => {
  it('creates an alias under the machine ARN; the same request again returns it', async () => {
    const env = await apiEnv();
    const { stateMachineArn, stateMachineVersionArn } = await machine(env, 'one', { publish: true });
    const request = { name: 'prod', description: 'live', routingConfiguration: [{ stateMachineVersionArn, weight: 100 }] };

    const created = await env.sfn.send(new CreateStateMachineAliasCommand(request));
    const again = await env.sfn.send(new CreateStateMachineAliasCommand(request));

    expect(created.stateMachineAliasArn).toBe(`${stateMachineArn}:prod`);
    expect(again.stateMachineAliasArn).toBe(created.stateMachineAliasArn);
  });

  it.each([
    ['weights that do not sum to 100', [60, 30], 'ValidationException'],
    ['three routes', [50, 25, 25], 'ValidationException'],
  ])('refuses %s', async (_, weights, error) => {
    const env = await apiEnv();
    const { stateMachineArn } = await machine(env, 'one', { publish: true });
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: says('two'), publish: true }));
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: says('three'), publish: true }));

    const err = await rejection(env.sfn.send(new CreateStateMachineAliasCommand({
      name: 'split', routingConfiguration: weights.map((weight, i) => ({ stateMachineVersionArn: `${stateMachineArn}:${i + 1}`, weight })),
    })));

    expect(err.name).toBe(error);
  });

  it('answers ResourceNotFound for a version that does not exist', async () => {
    const env = await apiEnv();
    const { stateMachineArn } = await machine(env);

    const err = await rejection(env.sfn.send(new CreateStateMachineAliasCommand({
      name: 'prod', routingConfiguration: [{ stateMachineVersionArn: `${stateMachineArn}:7`, weight: 100 }],
    })));

    expect(err.name).toBe('ResourceNotFound');
  });
});

describe('DescribeStateMachineAlias', () => {
  it('describes the alias and its routing', async () => {
    const env = await apiEnv();
    const { stateMachineVersionArn } = await machine(env, 'one', { publish: true });
    const { stateMachineAliasArn } = await env.sfn.send(new CreateStateMachineAliasCommand({
      name: 'prod', description: 'live', routingConfiguration: [{ stateMachineVersionArn, weight: 100 }],
    }));

    const d = await env.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn }));

    expect(d).toMatchObject({ stateMachineAliasArn, name: 'prod', description: 'live', routingConfiguration: [{ stateMachineVersionArn, weight: 100 }] });
    expect(d.creationDate).toBeInstanceOf(Date);
  });
});

describe('UpdateStateMachineAlias', () => {
  it('moves the alias to another version', async () => {
    const env = await apiEnv();
    const { stateMachineArn, stateMachineVersionArn } = await machine(env, 'one', { publish: true });
    const v2 = await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: says('two'), publish: true }));
    const { stateMachineAliasArn } = await env.sfn.send(new CreateStateMachineAliasCommand({ name: 'prod', routingConfiguration: [{ stateMachineVersionArn, weight: 100 }] }));

    await env.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn, routingConfiguration: [{ stateMachineVersionArn: v2.stateMachineVersionArn, weight: 100 }] }));
    const d = await env.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn }));

    expect(d.routingConfiguration).toEqual([{ stateMachineVersionArn: v2.stateMachineVersionArn, weight: 100 }]);
  });
});

describe('DeleteStateMachineAlias and ListStateMachineAliases', () => {
  it('lists the aliases there are, without the deleted one', async () => {
    const env = await apiEnv();
    const { stateMachineArn, stateMachineVersionArn } = await machine(env, 'one', { publish: true });
    const routes = [{ stateMachineVersionArn, weight: 100 }];
    const prod = await env.sfn.send(new CreateStateMachineAliasCommand({ name: 'prod', routingConfiguration: routes }));
    const beta = await env.sfn.send(new CreateStateMachineAliasCommand({ name: 'beta', routingConfiguration: routes }));

    await env.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: prod.stateMachineAliasArn }));
    const { stateMachineAliases } = await env.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn }));
    const gone = await rejection(env.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: prod.stateMachineAliasArn })));

    expect(stateMachineAliases!.map((a) => a.stateMachineAliasArn)).toEqual([beta.stateMachineAliasArn]);
    expect(gone.name).toBe('ResourceNotFound');
  });
});

describe('StartExecution on a version or an alias', () => {
  it('runs the version\'s definition after the machine was updated, and says which version ran', async () => {
    const env = await apiEnv();
    const { stateMachineArn, stateMachineVersionArn } = await machine(env, 'old', { publish: true });
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: says('new') }));

    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn: stateMachineVersionArn }));
    const d = await finished(env, executionArn!);

    expect(d).toMatchObject({ output: '"old"', stateMachineArn, stateMachineVersionArn });
    expect(d.stateMachineAliasArn).toBeUndefined();
  });

  it.each([
    [0.1, 1, '"one"'],
    [0.85, 2, '"two"'],
  ])('routes by weight (random %d picks version %d)', async (roll, version, output) => {
    const env = await apiEnv({ random: () => roll });
    const { stateMachineArn } = await machine(env, 'one', { publish: true });
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: says('two'), publish: true }));
    const { stateMachineAliasArn } = await env.sfn.send(new CreateStateMachineAliasCommand({
      name: 'canary', routingConfiguration: [{ stateMachineVersionArn: `${stateMachineArn}:1`, weight: 80 }, { stateMachineVersionArn: `${stateMachineArn}:2`, weight: 20 }],
    }));

    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn: stateMachineAliasArn }));
    const d = await finished(env, executionArn!);

    expect(d).toMatchObject({ output, stateMachineAliasArn, stateMachineVersionArn: `${stateMachineArn}:${version}` });
  });

  it('answers StateMachineDoesNotExist for a version never published', async () => {
    const env = await apiEnv();
    const { stateMachineArn } = await machine(env);

    const err = await rejection(env.sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}:3` })));

    expect(err.name).toBe('StateMachineDoesNotExist');
  });

  it('runs an EXPRESS version with StartSyncExecution', async () => {
    const env = await apiEnv();
    const { stateMachineArn, stateMachineVersionArn } = await machine(env, 'old', { publish: true, type: 'EXPRESS' });
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: says('new') }));

    const out = await env.syncSfn.send(new StartSyncExecutionCommand({ stateMachineArn: stateMachineVersionArn }));

    expect(out).toMatchObject({ status: 'SUCCEEDED', output: '"old"' });
  });
});

describe('ListExecutions on a version or an alias', () => {
  it('lists only the executions started on it, each naming its version', async () => {
    const env = await apiEnv();
    const { stateMachineArn, stateMachineVersionArn } = await machine(env, 'one', { publish: true });
    const { stateMachineAliasArn } = await env.sfn.send(new CreateStateMachineAliasCommand({ name: 'prod', routingConfiguration: [{ stateMachineVersionArn, weight: 100 }] }));
    await env.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'plain' }));
    await env.sfn.send(new StartExecutionCommand({ stateMachineArn: stateMachineAliasArn, name: 'routed' }));

    const onAlias = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineAliasArn }));
    const onMachine = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn }));

    expect(onAlias.executions!.map((e) => [e.name, e.stateMachineVersionArn, e.stateMachineAliasArn])).toEqual([['routed', stateMachineVersionArn, stateMachineAliasArn]]);
    expect(onMachine.executions!.map((e) => e.name).sort()).toEqual(['plain', 'routed']);
  });
});
