import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../shared/dependencies.ts';
import { idempotencyMiddleware } from '../shared/idempotency.ts';
import { maskedLogger } from '../shared/logging.ts';
import { notify, notifyDependencies } from './notify.ts';
import { parseNotifyInput } from './schema.ts';

export const handler = middy(domainHandler(parseNotifyInput, notify))
  .use(maskedLogger())
  .use(idempotencyMiddleware())
  .use(dependenciesMiddleware({ create: notifyDependencies }));
