import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../shared/dependencies.ts';
import { maskedLogger } from '../shared/logging.ts';
import { parseStartEtlJobInput } from './schema.ts';
import { startEtlJob, startEtlJobDependencies } from './start-etl-job.ts';

export const handler = middy(domainHandler(parseStartEtlJobInput, startEtlJob))
  .use(maskedLogger())
  .use(dependenciesMiddleware({ create: (env) => startEtlJobDependencies(env) }));
