/**
 * One function instance (Lambda's execution environment): a sandbox process that loads the
 * function's module once and runs one invocation at a time, for as long as it lives. A timed-out
 * or crashed instance is killed and never reused.
 *
 * Timeouts are on the wall clock: the function runs real code, and the engine's virtual clock
 * stands still while it does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ResolvedFunction } from './config.ts';
import { RuntimeClosed } from './errors.ts';
import type { HandlerOutcome, LambdaErrorPayload } from './handler-call.ts';
import type { InvokeMessage, SandboxMessage } from './sandbox-protocol.ts';

const SANDBOX = fileURLToPath(new URL('./sandbox.ts', import.meta.url));

/** Lambda's limit on an on-demand instance's init phase (loading the module). */
const INIT_TIMEOUT_MS = 10_000;

/** A sandbox's output line, as Lambda would send it to the function's log stream. */
export interface LogLine {
  functionName: string;
  logStreamName: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface InstanceOptions {
  fn: ResolvedFunction;
  /** the sandbox's whole environment */
  env: Record<string, string>;
  logStreamName: string;
  onLog(line: LogLine): void;
  /**
   * the engine's clock, which the sandbox's `Date` reads (engine-clock.ts); undefined: the wall
   * clock, as on the real clock
   */
  engineNow?: () => number;
  /** called once, when the sandbox process has gone */
  onExit(instance: FunctionInstance): void;
}

/** An invocation's outcome; `discarded` when the instance died with it (timeout, crash). */
export type InstanceOutcome = HandlerOutcome & { discarded?: boolean };

interface Pending {
  requestId: string;
  settle(outcome: InstanceOutcome): void;
  fail(e: Error): void;
  timer: NodeJS.Timeout;
}

/** Lambda's payload for an invocation stopped by the function's timeout. */
export function timedOutPayload(requestId: string, timeoutSeconds: number): LambdaErrorPayload {
  return { errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`, errorType: 'Sandbox.Timedout' };
}

/** Lambda's payload for an invocation whose runtime process exited under it. */
export function exitedPayload(requestId: string, code: number | null, signal: NodeJS.Signals | null, outOfMemory: boolean): LambdaErrorPayload {
  if (outOfMemory) return { errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`, errorType: 'Runtime.OutOfMemory' };
  const how = signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`;
  return { errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${how}`, errorType: 'Runtime.ExitError' };
}

export class FunctionInstance {
  readonly fn: ResolvedFunction;
  readonly logStreamName: string;
  /** resolves once the sandbox process has exited */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  /** resolves with the init error, or undefined once the module is loaded */
  private readonly initialised: Promise<LambdaErrorPayload | undefined>;
  private pending: Pending | undefined;
  private running = true;
  private closing = false;
  private stderrTail = '';
  private readonly engineNow: (() => number) | undefined;

  constructor(opts: InstanceOptions) {
    this.fn = opts.fn;
    this.logStreamName = opts.logStreamName;
    this.engineNow = opts.engineNow;
    let initDone!: (e: LambdaErrorPayload | undefined) => void;
    this.initialised = new Promise((resolve) => (initDone = resolve));
    let exitDone!: () => void;
    this.exited = new Promise((resolve) => (exitDone = resolve));
    this.child = fork(SANDBOX, [opts.fn.modulePath, opts.fn.exportName, opts.fn.handlerSpec, ...(opts.engineNow ? [String(opts.engineNow())] : [])], {
      execPath: process.execPath,
      // the V8 heap bound stands in for the function's memory size
      execArgv: ['--disable-warning=ExperimentalWarning', `--max-old-space-size=${opts.fn.memorySize}`],
      env: opts.env,
      cwd: opts.env.LAMBDA_TASK_ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.child[stream]! }).on('line', (line) => {
        if (stream === 'stderr') this.stderrTail = (this.stderrTail + line + '\n').slice(-4096);
        opts.onLog({ functionName: opts.fn.name, logStreamName: opts.logStreamName, stream, line });
      });
    }
    this.child.on('message', (message: SandboxMessage) => {
      if (message.t === 'ready') initDone(undefined);
      else if (message.t === 'initError') initDone(message.error);
      else if (message.t === 'done') {
        if (this.pending?.requestId === message.requestId) this.pending.settle(message.outcome);
      } else if (message.t === 'crash') {
        this.running = false;
        this.pending?.settle({ ok: false, error: message.error, discarded: true });
      }
    });
    this.child.on('error', () => {
      // spawning failed or the channel broke; 'close' follows and settles what is pending
    });
    // 'close' comes after the output streams ended: the stderr tail is complete
    this.child.on('close', (code, signal) => {
      this.running = false;
      initDone(undefined);
      const p = this.pending;
      if (p) {
        if (this.closing) p.fail(new RuntimeClosed());
        else p.settle({ ok: false, error: exitedPayload(p.requestId, code, signal, /heap out of memory/i.test(this.stderrTail)), discarded: true });
      }
      exitDone();
      opts.onExit(this);
    });
  }

  /** false once the sandbox has crashed, timed out or been killed */
  get alive(): boolean {
    return this.running;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Runs one invocation within the function's timeout. A cold instance first finishes its init
   * phase, which has Lambda's own 10-second limit and does not count against the timeout.
   * Rejects only with RuntimeClosed, when the runtime closes under it.
   */
  invoke(requestId: string, event: string, invokedFunctionArn: string): Promise<InstanceOutcome> {
    if (this.pending) throw new Error(`instance ${this.logStreamName} is busy`);
    return new Promise<InstanceOutcome>((resolve, reject) => {
      const timeUp = () => {
        p.settle({ ok: false, error: timedOutPayload(requestId, this.fn.timeoutSeconds), discarded: true });
        this.kill();
      };
      const p: Pending = {
        requestId,
        timer: setTimeout(timeUp, INIT_TIMEOUT_MS),
        settle: (outcome) => {
          if (this.pending !== p) return;
          clearTimeout(p.timer);
          this.pending = undefined;
          resolve(outcome);
        },
        fail: (e) => {
          if (this.pending !== p) return;
          clearTimeout(p.timer);
          this.pending = undefined;
          reject(e);
        },
      };
      this.pending = p;
      this.hold(true);
      void this.initialised.then((initError) => {
        if (this.pending !== p || !this.running) return;
        if (initError) {
          // Lambda reports the init error for the invocation and starts the next one afresh
          p.settle({ ok: false, error: initError, discarded: true });
          this.kill();
          return;
        }
        clearTimeout(p.timer);
        const timeoutMs = this.fn.timeoutSeconds * 1000;
        p.timer = setTimeout(timeUp, timeoutMs);
        const message: InvokeMessage = { t: 'invoke', requestId, event, deadline: Date.now() + timeoutMs, invokedFunctionArn };
        if (this.engineNow) message.now = this.engineNow();
        this.child.send(message);
      });
    });
  }

  /**
   * Keeps this process's event loop alive for the sandbox (while it works) or not (while it
   * idles), so that a program whose work is done can exit with warm instances still around.
   */
  hold(on: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stdout, this.child.stderr] as ({ ref?(): void; unref?(): void } | null | undefined)[];
    for (const h of handles) {
      if (on) h?.ref?.();
      else h?.unref?.();
    }
  }

  /** Kills the sandbox at once (SIGKILL, as Lambda ends an environment). */
  kill(): void {
    this.running = false;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** Kills the sandbox for a runtime that closes: an invocation in flight rejects with RuntimeClosed. */
  shutdown(): Promise<void> {
    this.closing = true;
    // an idle sandbox's handles are unref'd: without this the program could end before it is gone
    this.hold(true);
    this.kill();
    return this.exited;
  }
}
