import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../shared/dependencies.ts';
import { maskedLogger } from '../shared/logging.ts';
import { parseScheduledTick } from './schema.ts';
import { startOnSchedule, startOnScheduleDependencies } from './start-on-schedule.ts';

export const handler = middy(domainHandler(parseScheduledTick, startOnSchedule))
  .use(maskedLogger())
  .use(dependenciesMiddleware({ create: startOnScheduleDependencies }));
