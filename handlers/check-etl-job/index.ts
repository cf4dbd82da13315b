import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../shared/dependencies.ts';
import { maskedLogger } from '../shared/logging.ts';
import { checkEtlJob, checkEtlJobDependencies } from './check-etl-job.ts';
import { parseCheckEtlJobInput } from './schema.ts';

export const handler = middy(domainHandler(parseCheckEtlJobInput, checkEtlJob))
  .use(maskedLogger())
  .use(dependenciesMiddleware({ create: (env) => checkEtlJobDependencies(env) }));
