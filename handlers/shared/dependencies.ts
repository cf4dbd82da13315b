/**
 * Per-request dependencies (SDK clients, the BI client, the clock) built from the environment.
 *
 * Why per request and not at module scope: Lambda reuses an instance across invocations, so a
 * module-level client would carry one invocation's configuration and state into the next, and a
 * test could not swap it. Building the dependencies in `before` keeps every invocation
 * self-contained; the cost is a fresh client (and TCP connection) per invocation, which is small
 * next to the seconds-to-minutes between a workflow's calls. `after`/`onError` release them.
 */
import type middy from '@middy/core';

/** Dependencies that hold sockets can say how to release them. */
export interface Releasable {
  release?(): void;
}

/** What the handler function finds on its context once the middleware has run. */
export interface DependenciesContext<D> {
  deps: D;
}

export interface DependenciesOptions<D extends object> {
  /** Builds this request's dependencies; called once per invocation; may be async (a secret to fetch). */
  create: (env: Record<string, string | undefined>) => D | Promise<D>;
  /** The environment to read; the process environment unless a test passes its own. */
  env?: Record<string, string | undefined>;
}

const defaults = {
  env: undefined as Record<string, string | undefined> | undefined,
};

type DependenciesRequest<D> = middy.Request<unknown, unknown, Error, any, { deps?: D }>;

/**
 * Middy middleware that builds a request's dependencies on `request.internal.deps` and hands them
 * to the handler function on `context.deps`.
 *
 * @example
 * export const handler = middy(checkEtlJobHandler)
 *   .use(dependenciesMiddleware({ create: checkEtlJobDependencies }));
 */
export function dependenciesMiddleware<D extends object>(opts: DependenciesOptions<D>): middy.MiddlewareObj<any, any, Error, any, any> {
  const options = { ...defaults, ...opts };

  async function dependenciesBefore(request: DependenciesRequest<D>): Promise<void> {
    const deps = await options.create(options.env ?? process.env);
    request.internal.deps = deps;
    request.context.deps = deps;
  }

  function dependenciesRelease(request: DependenciesRequest<D>): void {
    (request.internal.deps as Releasable | undefined)?.release?.();
  }

  return { before: dependenciesBefore, after: dependenciesRelease, onError: dependenciesRelease };
}

/**
 * The Lambda-facing function of a handler: parse the event into the domain input, call the domain
 * function with this request's dependencies. Keeps `index.ts` to wiring and the domain function
 * free of Lambda events.
 *
 * @example
 * middy(domainHandler(parseCheckEtlJobInput, checkEtlJob))
 */
export function domainHandler<I, O, D>(parse: (event: unknown) => I, fn: (input: I, deps: D) => Promise<O>) {
  return async function handle(event: unknown, context: DependenciesContext<D>): Promise<O> {
    return fn(parse(event), context.deps);
  };
}
