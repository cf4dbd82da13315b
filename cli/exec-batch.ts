/**
 * `longhaul exec --batch FILE`: the measurement command of ../shared/conformance/README.md.
 * Every request line runs in a fresh in-memory engine on a virtual clock; one result line each.
 */
import { readFileSync } from 'node:fs';
import type { JsonValue } from '../engine/json.ts';
import { Engine, ApiError } from '../engine/engine.ts';
import { VirtualScheduler } from '../engine/runtime/clock.ts';
import { payloadText, type HistoryEvent } from '../engine/history/events.ts';
import { ModuleFunctions } from '../local/lambda/module-functions.ts';
import { pythonJsonText } from './python-json.ts';

interface BatchRequest {
  id: string;
  definition: unknown;
  definitionText?: string;
  input: JsonValue | null;
  stateMachineName: string;
  stateMachineType?: 'STANDARD' | 'EXPRESS';
  executionName: string;
  accountId: string;
  region: string;
  roleArn: string;
  lambdas?: Record<string, string>;
  stateMachineArn?: string;
  executionArn?: string;
  apiActions?: { action: string }[];
}

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
let currentScheduler: VirtualScheduler | undefined;

/**
 * Under a virtual clock, the functions' own timers run on the engine's clock too: a handler that
 * sleeps 60 s lets the clock jump instead of holding the batch for a minute.
 */
function installVirtualTimers(): void {
  const handles = new Map<object, { cancel(): void }>();
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const s = currentScheduler;
    if (!s) return realSetTimeout(fn, ms, ...args);
    const key = { virtual: true, ref() { return key; }, unref() { return key; }, hasRef() { return true; }, refresh() { return key; }, [Symbol.toPrimitive]() { return 0; } };
    handles.set(key, s.setTimeout(() => { handles.delete(key); fn(...args); }, ms ?? 0));
    return key;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((h: unknown) => {
    const v = h ? handles.get(h as object) : undefined;
    if (v) { v.cancel(); handles.delete(h as object); return; }
    realClearTimeout(h as NodeJS.Timeout);
  }) as typeof clearTimeout;
}

export async function runBatch(file: string): Promise<void> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().length > 0);
  installVirtualTimers();
  for (const line of lines) {
    let req: BatchRequest;
    try {
      req = JSON.parse(line) as BatchRequest;
    } catch {
      continue;
    }
    let result: Record<string, unknown>;
    try {
      result = await withTimeout(runRequest(req), 60_000, req.id);
    } catch (e) {
      result = { id: req.id, status: 'FAILED', error: 'Longhaul.EngineError', cause: e instanceof Error ? e.stack ?? e.message : String(e), output: null, history: null };
    }
    process.stdout.write(JSON.stringify(result) + '\n');
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, id: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = realSetTimeout(() => reject(new Error(`request ${id} did not finish within ${ms} ms of real time`)), ms);
    p.then((v) => { realClearTimeout(t); resolve(v); }, (e) => { realClearTimeout(t); reject(e); });
  });
}

async function runRequest(req: BatchRequest): Promise<Record<string, unknown>> {
  const scheduler = new VirtualScheduler(Date.now());
  currentScheduler = scheduler;
  const engine = new Engine({ scheduler, accountId: req.accountId, region: req.region });
  engine.integrations.register(new ModuleFunctions({ functions: req.lambdas ?? {}, scheduler, uuid: () => crypto.randomUUID() }));
  try {
    const definitionText = req.definition === null || req.definition === undefined ? req.definitionText ?? '' : JSON.stringify(req.definition);
    let smArn: string;
    try {
      smArn = engine.createStateMachine({
        name: req.stateMachineName,
        definition: definitionText,
        roleArn: req.roleArn,
        type: req.stateMachineType ?? 'STANDARD',
        arn: req.stateMachineArn,
      }).arn;
    } catch (e) {
      if (e instanceof ApiError) return { id: req.id, createError: { name: e.type, message: e.message } };
      throw e;
    }
    // The recordings' client sent its input as Python's json.dumps text; AWS keeps input text as sent.
    const input = req.input === null || req.input === undefined ? undefined : pythonJsonText(req.input);
    const { executionArn } = engine.startExecution({ stateMachineArn: smArn, name: req.executionName, input, executionArn: req.executionArn });
    if (req.apiActions?.some((a) => a.action === 'StopExecution')) {
      scheduler.onIdle = () => {
        scheduler.onIdle = undefined;
        try { engine.stopExecution(executionArn); } catch { /* already ended */ }
        return true;
      };
    }
    const outcome = await engine.waitFor(executionArn);
    const history = engine.history(executionArn).map(renderEvent);
    const out: Record<string, unknown> = { id: req.id, status: outcome.status, history };
    if (outcome.status === 'SUCCEEDED') out.output = payloadText(outcome.output);
    else {
      out.output = null;
      out.error = outcome.error ?? null;
      out.cause = outcome.cause ?? null;
    }
    return out;
  } finally {
    currentScheduler = undefined;
    engine.close();
  }
}

/** An event as GetExecutionHistory renders it (timestamps in epoch seconds). */
export function renderEvent(e: HistoryEvent): Record<string, unknown> {
  return { ...e, timestamp: e.timestamp / 1000 };
}
