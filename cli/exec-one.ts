/** `longhaul exec DEFINITION --input JSON`: one execution for a person, with a readable history. */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Engine, ApiError } from '../engine/engine.ts';
import { RealScheduler, VirtualScheduler } from '../engine/runtime/clock.ts';
import { ModuleFunctions } from '../local/lambda/module-functions.ts';
import type { HistoryEvent } from '../engine/history/events.ts';

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
    const name = basename(definitionFile).replace(/\.(asl\.)?json$/, '').replace(/[^A-Za-z0-9_-]/g, '-') || 'local';
    const sm = engine.createStateMachine({ name, definition: readFileSync(definitionFile, 'utf8'), roleArn: `arn:aws:iam::${engine.accountId}:role/longhaul-local` });
    const input = opts.inputFile ? readFileSync(opts.inputFile, 'utf8') : opts.input;
    const started = Date.now();
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, input });
    const outcome = await engine.waitFor(executionArn);
    const events = engine.history(executionArn);
    printHistory(events);
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

function printHistory(events: HistoryEvent[]): void {
  const t0 = events[0]?.timestamp ?? 0;
  for (const e of events) {
    const details = Object.entries(e).find(([k]) => k.endsWith('EventDetails'))?.[1] as Record<string, unknown> | undefined;
    const name = details && typeof details.name === 'string' ? ` ${details.name}` : '';
    const extra = details && typeof details.error === 'string' ? ` ${details.error}` : '';
    console.log(`${String(e.id).padStart(5)}  +${formatMs(e.timestamp - t0).padEnd(9)} ${e.type}${name}${extra}`);
  }
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)}s`;
  const m = s / 60;
  if (m < 120) return `${m.toFixed(1)}min`;
  return `${(m / 60).toFixed(1)}h`;
}
