/** `longhaul exec DEFINITION --input JSON`: one execution for a person, with a readable history. */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Engine, ApiError } from '../engine/engine.ts';
import { RealScheduler, VirtualScheduler } from '../engine/runtime/clock.ts';
import { ModuleFunctions } from '../local/lambda/module-functions.ts';
import { formatMs, historyLines } from './history-lines.ts';

/** AWS's longest state machine name. */
const MAX_NAME = 80;

/**
 * The state machine name `exec` runs a file under: the file's name without `.json`/`.asl.json`,
 * with every character AWS refuses in a name (and the few it allows but that read badly in an
 * ARN) made a `-`, cut to AWS's 80 characters, so that any file name runs.
 *
 * @example
 * stateMachineNameFor('flows/Order intake (v2).asl.json') // 'Order-intake--v2-'
 */
export function stateMachineNameFor(definitionFile: string): string {
  const stem = basename(definitionFile).replace(/\.(asl\.)?json$/i, '');
  return stem.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, MAX_NAME) || 'local';
}

export async function runOne(definitionFile: string, opts: { input: string; inputFile?: string; realClock?: boolean; lambda: string[] }): Promise<number> {
  const scheduler = opts.realClock ? new RealScheduler() : new VirtualScheduler(Date.now());
  const engine = new Engine({ scheduler });
  const functions: Record<string, string> = {};
  for (const spec of opts.lambda) {
    const [name, mod] = spec.split('=');
    functions[name] = resolve(mod);
  }
  engine.integrations.register(new ModuleFunctions({ functions, scheduler, uuid: () => crypto.randomUUID() }));
  try {
    const sm = engine.createStateMachine({ name: stateMachineNameFor(definitionFile), definition: readFileSync(definitionFile, 'utf8'), roleArn: `arn:aws:iam::${engine.accountId}:role/longhaul-local` });
    const input = opts.inputFile ? readFileSync(opts.inputFile, 'utf8') : opts.input;
    const started = Date.now();
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, input });
    const outcome = await engine.waitFor(executionArn);
    const events = engine.history(executionArn);
    for (const line of historyLines(events)) console.log(line);
    const workflowMs = (events.at(-1)?.timestamp ?? 0) - (events[0]?.timestamp ?? 0);
    console.log(`\n${outcome.status}  (workflow time ${formatMs(workflowMs)}, real time ${formatMs(Date.now() - started)})`);
    if (outcome.status === 'SUCCEEDED') console.log(JSON.stringify(outcome.output, null, 2));
    else console.log(`error: ${outcome.error ?? '-'}\ncause: ${outcome.cause ?? '-'}`);
    return outcome.status === 'SUCCEEDED' ? 0 : 1;
  } catch (e) {
    if (e instanceof ApiError) {
      console.error(`${e.type}: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    engine.close();
  }
}
