/** What the local stack refuses in longhaul.config.json, before anything runs. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { startLocalStack, type LocalStack, type StackConfig } from '../../../local/stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'longhaul-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'notify.asl.json'),
  JSON.stringify({ StartAt: 'Notify', States: { Notify: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: '${NotifyFunctionArn}', Payload: { to: '${Recipient}' } }, End: true } }, QueryLanguage: 'JSONata' }),
);

/** Starts a stack with `config`, answers what `read` reads from it, and stops it. */
async function start<T>(config: StackConfig, read: (stack: LocalStack) => T = () => undefined as T): Promise<T> {
  const stack = await startLocalStack({ config, configDir: dir, scheduler: new VirtualScheduler(0), onLambdaLog: () => {} });
  try {
    return read(stack);
  } finally {
    await stack.stop();
  }
}

describe('the stack config', () => {
  it('fills a definition\'s placeholders from its substitutions and their references', async () => {
    const { definition, accountId } = await start(
      {
        functions: { notify: { handler: 'notify.mjs' } },
        stateMachines: [{ name: 'n', definitionFile: 'notify.asl.json', substitutions: { NotifyFunctionArn: '{{function:notify}}', Recipient: 'team@example.com' } }],
      },
      (stack) => ({ definition: stack.engine.getStateMachine(stack.stateMachines.n).definition, accountId: stack.engine.accountId }),
    );
    expect((JSON.parse(definition) as { States: { Notify: { Arguments: unknown } } }).States.Notify.Arguments).toEqual({
      FunctionName: `arn:aws:lambda:us-east-1:${accountId}:function:notify`,
      Payload: { to: 'team@example.com' },
    });
  });

  it('refuses a definition with a placeholder the config gives no value for, naming it', async () => {
    await expect(start({ stateMachines: [{ name: 'n', definitionFile: 'notify.asl.json', substitutions: { NotifyFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:x' } }] })).rejects.toThrow(
      'state machine n: notify.asl.json has placeholders the config gives no value for: ${Recipient} (add them to its "substitutions")',
    );
  });

  it('refuses a rule whose function the config does not define', async () => {
    await expect(start({ rules: [{ name: 'r', eventPattern: { source: ['aws.s3'] }, function: 'missing' }] })).rejects.toThrow('rule r names the function missing, which the config does not define');
  });
});
