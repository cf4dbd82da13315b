import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../shared/dependencies.ts';
import { idempotencyMiddleware } from '../shared/idempotency.ts';
import { maskedLogger } from '../shared/logging.ts';
import { processBatch, processBatchDependencies } from './process-batch.ts';
import { parseProcessBatchInput } from './schema.ts';

export const handler = middy(domainHandler(parseProcessBatchInput, processBatch))
  .use(maskedLogger())
  .use(idempotencyMiddleware())
  .use(dependenciesMiddleware({ create: (env) => processBatchDependencies(env) }));
