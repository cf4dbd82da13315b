/**
 * How functions fail under the local Lambda runtime: the error payload Lambda's Node.js runtime
 * answers with (errorType, errorMessage), and which failures cost the instance. A crash or a
 * timeout discards the instance; an error the handler throws does not.
 */
import { describe, it, expect } from '@jest/globals';
import { FunctionNotFound } from '../../../local/lambda/errors.ts';
import { fixture, invokeJson, lambdaRuntimes } from './runtimes.ts';

const runtimes = lambdaRuntimes();

describe('LambdaRuntime function errors', () => {
  it.each<[string, string, string, string | RegExp, boolean]>([
    ['an error the handler throws keeps its name as errorType', 'throw', 'ReportNotReady', 'report q3 is not ready', false],
    ['a thrown non-Error reports its typeof as errorType', 'throw-string', 'string', 'plain text', false],
    ['process.exit ends the runtime: Runtime.ExitError', 'exit', 'Runtime.ExitError', /^RequestId: \S+ Error: Runtime exited with error: exit status 3$/, true],
    ['an unhandled rejection crashes the instance: Runtime.UnhandledPromiseRejection', 'unhandled-rejection', 'Runtime.UnhandledPromiseRejection', 'Error: nobody awaited me', true],
    ['an uncaught exception crashes the instance with its own type', 'uncaught-exception', 'TypeError', 'thrown from a timer', true],
  ])('%s', async (_behaviour, mode, errorType, errorMessage, discarded) => {
    // Prepare
    const runtime = runtimes.create({ functions: { fn: { handler: fixture('failures.mjs') } } });
    const before = await invokeJson(runtime, 'fn', { mode: 'ok' });

    // Act
    const failed = await invokeJson(runtime, 'fn', { mode, report: 'q3' });
    const after = await invokeJson(runtime, 'fn', { mode: 'ok' });

    // Assess
    expect(failed.functionError).toBe('Unhandled');
    expect(failed.payload.errorType).toBe(errorType);
    expect(failed.payload.errorMessage).toMatch(errorMessage);
    expect(after.payload.pid === before.payload.pid).toBe(!discarded);
  });

  it('stops an invocation at the function timeout with Sandbox.Timedout and discards the instance', async () => {
    const runtime = runtimes.create({ functions: { fn: { handler: fixture('failures.mjs'), timeout: 0.5 } } });
    const before = await invokeJson(runtime, 'fn', { mode: 'ok' });
    const started = Date.now();

    const failed = await invokeJson(runtime, 'fn', { mode: 'hang' });
    const elapsed = Date.now() - started;
    const after = await invokeJson(runtime, 'fn', { mode: 'ok' });

    expect(failed.functionError).toBe('Unhandled');
    expect(failed.payload).toEqual({
      errorMessage: `RequestId: ${failed.requestId} Error: Task timed out after 0.50 seconds`,
      errorType: 'Sandbox.Timedout',
    });
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(3000);
    expect(after.payload.pid).not.toBe(before.payload.pid);
  });

  it('counts getRemainingTimeInMillis down from the function timeout, init excluded', async () => {
    const runtime = runtimes.create({ functions: { counter: { handler: fixture('counter.ts'), timeout: 2 } } });

    const { payload } = await invokeJson(runtime, 'counter', { holdMs: 200 });

    const remaining = (payload.context as { remainingMs: number }).remainingMs;
    expect(remaining).toBeLessThanOrEqual(1800);
    expect(remaining).toBeGreaterThan(1000);
  });

  it.each<[string, string, string, string | RegExp]>([
    ['a module whose top level throws fails with that error', 'broken-init.mjs', 'MissingConfig', 'REPORT_BUCKET is not set'],
    ['a module without the handler export fails with Runtime.HandlerNotFound', 'no-handler.mjs', 'Runtime.HandlerNotFound', / is undefined or not exported$/],
    ['a callback-style handler fails with Runtime.CallbackHandlerDeprecated', 'callback-style.mjs', 'Runtime.CallbackHandlerDeprecated', /removed support for callback-based function handlers starting with Node\.js 24/],
    ['a missing module fails with Runtime.ImportModuleError', 'does-not-exist.mjs', 'Runtime.ImportModuleError', /Cannot find module/],
  ])('init: %s, for every invocation', async (_behaviour, file, errorType, errorMessage) => {
    const runtime = runtimes.create({ functions: { fn: { handler: fixture(file) } } });

    const answers = [await invokeJson(runtime, 'fn'), await invokeJson(runtime, 'fn')];

    for (const a of answers) {
      expect(a.functionError).toBe('Unhandled');
      expect(a.payload).toMatchObject({ errorType, errorMessage: expect.stringMatching(errorMessage) });
    }
    expect(runtime.stats('fn')?.instances).toBe(0);
  });

  it('refuses an unknown function with FunctionNotFound (ResourceNotFoundException)', async () => {
    const runtime = runtimes.create();

    const invocation = runtime.invoke('nobody', {});

    await expect(invocation).rejects.toThrow(FunctionNotFound);
    await expect(invocation).rejects.toThrow('Function not found: arn:aws:lambda:us-east-1:123456789012:function:nobody:$LATEST');
  });
});
