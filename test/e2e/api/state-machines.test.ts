/**
 * State machines through the API, with the real SFNClient: create, describe, list, update, delete,
 * validate and tag, in AWS's shapes.
 */
import { describe, it, expect } from '@jest/globals';
import {
  CreateStateMachineCommand, DeleteStateMachineCommand, DescribeStateMachineCommand, ListStateMachinesCommand, ListTagsForResourceCommand,
  StateMachineAlreadyExists, StateMachineDoesNotExist, TagResourceCommand, UntagResourceCommand, UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand, InvalidDefinition, InvalidArn,
} from '@aws-sdk/client-sfn';
import { ROLE_ARN, apiEnvs, definition, rejection, type ApiEnv } from './api-env.ts';

const apiEnv = apiEnvs();
const PASS = definition({ P: { Type: 'Pass', End: true } });
const OTHER = definition({ S: { Type: 'Succeed' } });

async function create(env: ApiEnv, name: string, def = PASS, extra: object = {}): Promise<string> {
  const { stateMachineArn } = await env.sfn.send(new CreateStateMachineCommand({ name, definition: def, roleArn: ROLE_ARN, ...extra }));
  return stateMachineArn!;
}

describe('CreateStateMachine and DescribeStateMachine', () => {
  it('creates a state machine and describes it with its definition, role, type and creation date', async () => {
    // Prepare
    const env = await apiEnv();

    // Act
    const created = await env.sfn.send(new CreateStateMachineCommand({ name: 'orders', definition: PASS, roleArn: ROLE_ARN }));
    const described = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));

    // Assess
    expect(created.stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:orders');
    expect(created.creationDate).toEqual(new Date(env.now()));
    expect(described).toMatchObject({
      stateMachineArn: created.stateMachineArn, name: 'orders', status: 'ACTIVE', definition: PASS, roleArn: ROLE_ARN, type: 'STANDARD',
      creationDate: new Date(env.now()), loggingConfiguration: { level: 'OFF', includeExecutionData: false }, tracingConfiguration: { enabled: false },
    });
  });

  it('answers the same machine for the same request, and StateMachineAlreadyExists for another definition under the name', async () => {
    const env = await apiEnv();
    const first = await create(env, 'orders');

    const again = await create(env, 'orders');
    const refused = await rejection(create(env, 'orders', OTHER));

    expect(again).toBe(first);
    expect(refused).toMatchObject({ name: StateMachineAlreadyExists.name, status: 400 });
  });

  it('refuses a definition AWS would refuse with InvalidDefinition and its diagnostic', async () => {
    const env = await apiEnv();

    const refused = await rejection(create(env, 'broken', definition({ A: { Type: 'Pass', Next: 'Nowhere' } })));

    expect(refused.name).toBe(InvalidDefinition.name);
    expect(refused.message).toContain('MISSING_TRANSITION_TARGET');
  });

  it.each([
    ['not an ARN', 'orders'],
    ['an execution ARN', 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1'],
  ])('refuses to describe a state machine named by %s with InvalidArn', async (_case, stateMachineArn) => {
    const env = await apiEnv();

    const refused = await rejection(env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn })));

    expect(refused.name).toBe(InvalidArn.name);
  });
});

describe('ListStateMachines', () => {
  it('lists every machine oldest first, a page of maxResults at a time', async () => {
    const env = await apiEnv();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await create(env, name);

    const names: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await env.sfn.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      names.push(page.stateMachines!.map((m) => m.name!));
      nextToken = page.nextToken;
    } while (nextToken);

    expect(names).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('gives each item its ARN, name, type and creation date', async () => {
    const env = await apiEnv();
    const arn = await create(env, 'fast', PASS, { type: 'EXPRESS' });

    const { stateMachines } = await env.sfn.send(new ListStateMachinesCommand({}));

    expect(stateMachines).toEqual([{ stateMachineArn: arn, name: 'fast', type: 'EXPRESS', creationDate: new Date(env.now()) }]);
  });
});

describe('UpdateStateMachine and DeleteStateMachine', () => {
  it('replaces the definition and role, and answers the update date', async () => {
    const env = await apiEnv();
    const arn = await create(env, 'orders');
    const role = 'arn:aws:iam::123456789012:role/other';

    const { updateDate } = await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: OTHER, roleArn: role }));
    const described = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));

    expect(updateDate).toEqual(new Date(env.now()));
    expect(described).toMatchObject({ definition: OTHER, roleArn: role });
  });

  it('refuses an update to an invalid definition and keeps the old one', async () => {
    const env = await apiEnv();
    const arn = await create(env, 'orders');

    const refused = await rejection(env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: '{"StartAt":"X"}' })));
    const described = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));

    expect(refused.name).toBe(InvalidDefinition.name);
    expect(described.definition).toBe(PASS);
  });

  it('deletes a machine, which then does not exist; deleting it again is no error', async () => {
    const env = await apiEnv();
    const arn = await create(env, 'orders');

    await env.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    await env.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    const refused = await rejection(env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })));

    expect(refused.name).toBe(StateMachineDoesNotExist.name);
  });
});

describe('ValidateStateMachineDefinition', () => {
  it.each([
    ['a valid definition', PASS, { result: 'OK', diagnostics: [] }],
    ['a missing target', definition({ A: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'C' }], Default: 'Nowhere' }, C: { Type: 'Succeed' } }), { result: 'FAIL', diagnostics: [expect.objectContaining({ severity: 'ERROR', code: 'MISSING_TRANSITION_TARGET', location: '/States/A/Default' })] }],
    ['text that is not JSON', '{"StartAt": ', { result: 'FAIL', diagnostics: [expect.objectContaining({ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION' })] }],
  ])('answers the diagnostics of %s', async (_case, def, expected) => {
    const env = await apiEnv();

    const answer = await env.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: def }));

    expect(answer).toMatchObject({ ...expected, truncated: false });
  });
});

describe('tags', () => {
  it('tags a machine at creation and later, lists the tags and removes them by key', async () => {
    const env = await apiEnv();
    const arn = await create(env, 'orders', PASS, { tags: [{ key: 'team', value: 'billing' }] });

    await env.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'env', value: 'local' }, { key: 'team', value: 'data' }] }));
    const tagged = await env.sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    await env.sfn.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team'] }));
    const untagged = await env.sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }));

    expect(tagged.tags).toEqual([{ key: 'team', value: 'data' }, { key: 'env', value: 'local' }]);
    expect(untagged.tags).toEqual([{ key: 'env', value: 'local' }]);
  });

  it('refuses to tag a machine that does not exist with ResourceNotFound', async () => {
    const env = await apiEnv();

    const refused = await rejection(env.sfn.send(new TagResourceCommand({ resourceArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope', tags: [] })));

    expect(refused.name).toBe('ResourceNotFound');
  });
});
