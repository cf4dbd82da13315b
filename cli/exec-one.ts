/** `longhaul exec DEFINITION --input JSON`: one execution for a person, with a readable history. */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Engine, ApiError } from '../engine/engine.ts';
import { RealScheduler, VirtualScheduler } from '../engine/runtime/clock.ts';
import { ModuleFunctions } from '../local/lambda/module-functions.ts';
import { loadMockConfig, mockedResponses, MockConfigError } from '../local/mocks/mock-config.ts';
import { StandIns, StandInConfigError, missingStandInMessage } from '../local/stand-ins/stand-ins.ts';
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

export interface RunOneOptions {
  input: string;
  inputFile?: string;
  realClock?: boolean;
  lambda: string[];
  /** `pattern=module` stand-ins (`glue:startJobRun.sync=standins/glue-job.mjs`) */
  standIn?: string[];
  /** a Step Functions Local MockConfigFile (default: the SFN_MOCK_CONFIG environment variable) */
  mockConfig?: string;
  /** the mock file's test case the execution runs (`stateMachineArn#TestCase`) */
  testCase?: string;
  /** the state machine's name, as the mock file names it (default: the file's name) */
  stateMachine?: string;
}

/** `pattern=module` pairs; the pattern may hold `=` nowhere, the module path may. */
function standInsOf(specs: string[]): Record<string, string> {
  const standIns: Record<string, string> = {};
  for (const spec of specs) {
    const at = spec.indexOf('=');
    if (at <= 0) throw new ApiError('InvalidArguments', `--stand-in ${spec}: expected PATTERN=MODULE, like glue:startJobRun.sync=standins/glue-job.mjs`);
    standIns[spec.slice(0, at)] = spec.slice(at + 1);
  }
  return standIns;
}

export async function runOne(definitionFile: string, opts: RunOneOptions): Promise<number> {
  const scheduler = opts.realClock ? new RealScheduler() : new VirtualScheduler(Date.now());
  const engine = new Engine({ scheduler });
  const functions: Record<string, string> = {};
  for (const spec of opts.lambda) {
    const [name, mod] = spec.split('=');
    functions[name] = resolve(mod);
  }
  engine.integrations.register(new ModuleFunctions({ functions, scheduler, uuid: () => crypto.randomUUID() }));
  engine.integrations.explainUnsupported(missingStandInMessage);
  try {
    if (opts.standIn?.length) engine.integrations.register(new StandIns({ standIns: standInsOf(opts.standIn), scheduler, tokens: engine }));
    const mockFile = opts.mockConfig ?? process.env.SFN_MOCK_CONFIG;
    if (mockFile) engine.integrations.intercept(mockedResponses(loadMockConfig(resolve(mockFile))));
    else if (opts.testCase !== undefined) throw new ApiError('InvalidArguments', '--test-case needs a mock config: --mock-config FILE or SFN_MOCK_CONFIG');
    const sm = engine.createStateMachine({ name: opts.stateMachine ?? stateMachineNameFor(definitionFile), definition: readFileSync(definitionFile, 'utf8'), roleArn: `arn:aws:iam::${engine.accountId}:role/longhaul-local` });
    const input = opts.inputFile ? readFileSync(opts.inputFile, 'utf8') : opts.input;
    const started = Date.now();
    const { executionArn } = engine.startExecution({ stateMachineArn: opts.testCase === undefined ? sm.arn : `${sm.arn}#${opts.testCase}`, input });
    const outcome = await engine.waitFor(executionArn);
    const events = engine.history(executionArn);
    for (const line of historyLines(events)) console.log(line);
    const workflowMs = (events.at(-1)?.timestamp ?? 0) - (events[0]?.timestamp ?? 0);
    console.log(`\n${outcome.status}  (workflow time ${formatMs(workflowMs)}, real time ${formatMs(Date.now() - started)})`);
    if (outcome.status === 'SUCCEEDED') console.log(JSON.stringify(outcome.output, null, 2));
    else console.log(`error: ${outcome.error ?? '-'}\ncause: ${outcome.cause ?? '-'}`);
    return outcome.status === 'SUCCEEDED' ? 0 : 1;
  } catch (e) {
    if (e instanceof MockConfigError || e instanceof StandInConfigError) {
      console.error(e.message);
      return 2;
    }
    if (e instanceof ApiError) {
      console.error(`${e.type}: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    engine.close();
  }
}
