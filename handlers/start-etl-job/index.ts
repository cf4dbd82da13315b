import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../shared/dependencies.ts';
import { idempotencyMiddleware } from '../shared/idempotency.ts';
import { maskedLogger } from '../shared/logging.ts';
import { parseStartEtlJobInput } from './schema.ts';
import { startEtlJob, startEtlJobDependencies } from './start-etl-job.ts';

export const handler = middy(domainHandler(parseStartEtlJobInput, startEtlJob))
  .use(maskedLogger())
  .use(idempotencyMiddleware())
  .use(dependenciesMiddleware({ create: (env) => startEtlJobDependencies(env) }));
