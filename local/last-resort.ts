/**
 * The last-resort guard of a long-running `longhaul serve`: an exception nothing caught, or a
 * promise rejection nothing handled, is logged with its stack and the process keeps serving.
 *
 * Node's default is to exit, which takes every execution, the API and the console down for one
 * defect somewhere (executions resume after a restart, but a defect a resumed execution hits again
 * would then exit at every start). The engine already keeps each execution inside its own
 * failure boundary; this guard is for what still slips through (a local service, a library
 * callback). Caveat: after an uncaught exception the code that threw did not finish its work, so
 * the state it was changing may be half-done; the log line says where to look.
 */

export interface LastResortOptions {
  /** where the report goes (default: stderr); one call per event, with the error's stack */
  log?: (text: string) => void;
}

/**
 * Installs the guard on this process; returns the function that removes it.
 *
 * @example
 * const uninstall = installLastResortGuard();
 * // ... serve until stopped
 * uninstall();
 */
export function installLastResortGuard(opts: LastResortOptions = {}): () => void {
  const log = opts.log ?? ((text: string) => process.stderr.write(`${text}\n`));
  const report = (what: string, err: unknown) => {
    try {
      log(`longhaul: ${what}, logged and ignored; the server keeps serving: ${describeError(err)}`);
    } catch {
      // a guard that throws would be the exception that ends the process
    }
  };
  const onException = (err: unknown, origin: string) => report(origin === 'unhandledRejection' ? 'unhandled promise rejection' : 'uncaught exception', err);
  const onRejection = (reason: unknown) => report('unhandled promise rejection', reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  try {
    return typeof err === 'string' ? err : JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
