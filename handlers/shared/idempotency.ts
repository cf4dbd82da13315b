/**
 * Idempotency that holds under duplicate delivery: Powertools for AWS Lambda's idempotency
 * utility (`makeHandlerIdempotent`, DynamoDB persistence), keyed by the `idempotencyKey` the
 * workflows pass (execution name + state name, see handlers/README.md).
 *
 * Why a wrapper around Powertools' middleware and not `.use(makeHandlerIdempotent(...))` directly:
 * its persistence layer holds a DynamoDB client, and a module-level one would carry one
 * invocation's client into the next (handlers/shared/dependencies.ts says why we do not). This
 * middleware builds the client and the persistence layer for each request, keeps them on
 * `request.internal`, delegates to Powertools' own before/after/onError, and destroys the client.
 *
 * The first call with a key runs the handler and stores its result; a second call with the same
 * key (a duplicated invocation, a Retry after an ambiguous failure, a redrive) answers that result
 * without running the handler, so without its effect. A call that fails leaves no record, so a
 * retry runs again. A second call while the first is still running fails with
 * `IdempotencyAlreadyInProgressError` (the workflow's Retry takes it again later).
 */
import type middy from '@middy/core';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { asRecord, requiredEnv, requiredString } from './input.ts';

/** The event field that carries the key; the workflows fill it. */
export const IDEMPOTENCY_KEY_FIELD = 'idempotencyKey';
/** The DynamoDB table (key `id`, TTL attribute `expiration`) infra and longhaul.config.json pass. */
export const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE_NAME';
/** Powertools' own switch, for tests that exercise a handler's domain and not its idempotency. */
export const IDEMPOTENCY_DISABLED_ENV = 'POWERTOOLS_IDEMPOTENCY_DISABLED';

export interface IdempotencyOptions {
  /**
   * How long a result is answered again (default 14 days: the longest a failed execution can be
   * redriven after it ends, so a redrive never repeats an effect that already happened).
   */
  expiresAfterSeconds?: number;
  /** The environment to read; the process environment unless a test passes its own. */
  env?: Record<string, string | undefined>;
}

const defaults = {
  expiresAfterSeconds: 14 * 24 * 3600,
  env: undefined as Record<string, string | undefined> | undefined,
};

type IdempotencyInternal = {
  idempotency?: { inner: middy.MiddlewareObj; client: DynamoDBClient };
};

type IdempotencyRequest = middy.Request<unknown, unknown, Error, any, IdempotencyInternal>;

function disabled(env: Record<string, string | undefined>): boolean {
  const value = env[IDEMPOTENCY_DISABLED_ENV]?.toLowerCase();
  return value === 'true' || value === '1' || value === 'y' || value === 'yes' || value === 'on';
}

/**
 * Middy middleware: the handler runs at most once in effect per `event.idempotencyKey`. Use it
 * after the logger and before the dependencies, so a duplicate builds no clients. An event without
 * the key is refused (`Handler.InvalidInput`) rather than run unprotected.
 *
 * @example
 * export const handler = middy(domainHandler(parseNotifyInput, notify))
 *   .use(maskedLogger())
 *   .use(idempotencyMiddleware())
 *   .use(dependenciesMiddleware({ create: notifyDependencies }));
 */
export function idempotencyMiddleware(opts: IdempotencyOptions = {}): middy.MiddlewareObj<any, any, Error, any, any> {
  const options = { ...defaults, ...opts };

  async function idempotencyBefore(request: IdempotencyRequest): Promise<unknown> {
    const env = options.env ?? process.env;
    if (disabled(env)) return undefined;
    const tableName = requiredEnv(env, IDEMPOTENCY_TABLE_ENV);
    // Checked here so that the workflow sees Handler.InvalidInput (do not retry), not Powertools'
    // IdempotencyPersistenceLayerError wrapping its IdempotencyKeyError.
    requiredString(asRecord(request.event, 'event'), IDEMPOTENCY_KEY_FIELD);
    const client = new DynamoDBClient({});
    const inner = makeHandlerIdempotent({
      persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
      config: new IdempotencyConfig({
        eventKeyJmesPath: IDEMPOTENCY_KEY_FIELD,
        throwOnNoIdempotencyKey: true,
        expiresAfterSeconds: options.expiresAfterSeconds,
      }),
    }) as middy.MiddlewareObj;
    request.internal.idempotency = { inner, client };
    try {
      const stored = await inner.before!(request as middy.Request);
      // Middy skips the after middlewares on an early answer: release here
      if (stored !== undefined) idempotencyRelease(request);
      return stored;
    } catch (e) {
      idempotencyRelease(request);
      throw e;
    }
  }

  async function idempotencyAfter(request: IdempotencyRequest): Promise<void> {
    try {
      await request.internal.idempotency?.inner.after?.(request as middy.Request);
    } finally {
      idempotencyRelease(request);
    }
  }

  async function idempotencyOnError(request: IdempotencyRequest): Promise<void> {
    try {
      await request.internal.idempotency?.inner.onError?.(request as middy.Request);
    } finally {
      idempotencyRelease(request);
    }
  }

  function idempotencyRelease(request: IdempotencyRequest): void {
    request.internal.idempotency?.client.destroy();
    delete request.internal.idempotency;
  }

  return { before: idempotencyBefore, after: idempotencyAfter, onError: idempotencyOnError };
}
