/**
 * Duplicate-delivery mode: every invocation is delivered twice, the way an at-least-once caller
 * (a resumed Step Functions task, a redelivered message) may deliver it, so a handler that is not
 * idempotent fails in tests instead of in production.
 */
import { describe, it, expect } from '@jest/globals';
import { fixture, invokeJson, lambdaRuntimes } from './runtimes.ts';

const runtimes = lambdaRuntimes();

describe('duplicate-delivery mode', () => {
  it.each<[string, boolean, number]>([
    ['delivers every invocation twice and answers with the second delivery', true, 2],
    ['is off by default: one delivery', false, 1],
  ])('%s', async (_behaviour, duplicateDelivery, deliveries) => {
    // Prepare
    const runtime = runtimes.create({ duplicateDelivery, functions: { charge: { handler: fixture('idempotent-charge.mjs') } } });

    // Act
    const answer = await invokeJson(runtime, 'charge', { orderId: 'o-42' });

    // Assess
    expect(answer.functionError).toBeUndefined();
    expect(answer.payload).toEqual({ orderId: 'o-42', chargeId: 'ch-1', deliveries });
  });

  it('fails a handler that is not idempotent with the error of its second delivery', async () => {
    const runtime = runtimes.create({ duplicateDelivery: true, functions: { charge: { handler: fixture('naive-charge.mjs') } } });

    const answer = await invokeJson(runtime, 'charge', { orderId: 'o-42' });

    expect(answer.functionError).toBe('Unhandled');
    expect(answer.payload).toMatchObject({ errorType: 'AlreadyCharged', errorMessage: 'order o-42 was charged already' });
  });

  it('answers with the first delivery when it fails: a failed call is not delivered again', async () => {
    const runtime = runtimes.create({ duplicateDelivery: true, functions: { charge: { handler: fixture('idempotent-charge.mjs') } } });

    const failed = await invokeJson(runtime, 'charge', { orderId: 'o-41', amount: -1 });
    const next = await invokeJson(runtime, 'charge', { orderId: 'o-42', amount: 10 });

    expect(failed.payload).toMatchObject({ errorType: 'InvalidAmount', requestId: failed.requestId });
    // one delivery of the failed call, two of the next one, all on the same warm instance
    expect(next.payload).toEqual({ orderId: 'o-42', chargeId: 'ch-1', deliveries: 3 });
  });
});
