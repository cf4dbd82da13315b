import { describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../../../handlers/shared/dependencies.ts';
import { maskedLogger, MASK } from '../../../handlers/shared/logging.ts';
import { lambdaContext } from './support/bi-fake.ts';

interface Deps { id: number; env: string | undefined; released: boolean; release(): void }

function counterFactory() {
  const made: Deps[] = [];
  const create = (env: Record<string, string | undefined>): Deps => {
    const deps: Deps = { id: made.length + 1, env: env.GREETING, released: false, release: () => { deps.released = true; } };
    made.push(deps);
    return deps;
  };
  return { made, create };
}

describe('dependenciesMiddleware', () => {
  it('builds fresh dependencies for every invocation and releases them after it', async () => {
    const { made, create } = counterFactory();
    const handler = middy(domainHandler((e: unknown) => e as { n: number }, async (input, deps: Deps) => ({ n: input.n, depsId: deps.id, env: deps.env })))
      .use(dependenciesMiddleware({ create, env: { GREETING: 'hello' } }));

    const first = await handler({ n: 1 }, lambdaContext());
    const second = await handler({ n: 2 }, lambdaContext());

    expect([first, second]).toEqual([{ n: 1, depsId: 1, env: 'hello' }, { n: 2, depsId: 2, env: 'hello' }]);
    expect(made.map((d) => d.released)).toEqual([true, true]);
  });

  it('releases the dependencies of a failed invocation and lets the named error through', async () => {
    const { made, create } = counterFactory();
    const failure = Object.assign(new Error('no such job'), { name: 'BI.JobNotFound' });
    const handler = middy(domainHandler((e: unknown) => e, async () => { throw failure; }))
      .use(dependenciesMiddleware({ create }));

    await expect(handler({}, lambdaContext())).rejects.toBe(failure);
    expect(made[0].released).toBe(true);
  });
});

describe('dependenciesMiddleware with an async factory', () => {
  it('waits for dependencies that must be fetched (a secret) before the handler runs', async () => {
    const handler = middy(domainHandler((e: unknown) => e, async (_input, deps: { secret: string }) => ({ secret: deps.secret })))
      .use(dependenciesMiddleware({ create: async (env) => ({ secret: `fetched:${env.NAME}` }), env: { NAME: 'webhook' } }));

    const result = await handler({}, lambdaContext());

    expect(result).toEqual({ secret: 'fetched:webhook' });
  });
});

describe('maskedLogger', () => {
  it('masks task tokens and the extra paths in what it logs, leaving the handler its real input', async () => {
    const logged: unknown[] = [];
    let seen: unknown;
    const handler = middy(async (event: unknown) => { seen = event; return { ok: true, taskToken: 'tok-out' }; })
      .use(maskedLogger(['event.headers.x-secret'], (m) => logged.push(m)));
    const event = { taskToken: 'tok-in', headers: { 'x-secret': 's3cr3t', other: 'kept' } };

    await handler(event, lambdaContext());

    expect(seen).toEqual({ taskToken: 'tok-in', headers: { 'x-secret': 's3cr3t', other: 'kept' } });
    expect(logged).toEqual([
      { event: { taskToken: MASK, headers: { 'x-secret': MASK, other: 'kept' } } },
      { response: { ok: true, taskToken: MASK } },
    ]);
  });
});
