import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../shared/dependencies.ts';
import { maskedLogger } from '../shared/logging.ts';
import { parseS3ObjectCreated } from './schema.ts';
import { startFromS3, startFromS3Dependencies } from './start-from-s3.ts';

export const handler = middy(domainHandler(parseS3ObjectCreated, startFromS3))
  .use(maskedLogger())
  .use(dependenciesMiddleware({ create: startFromS3Dependencies }));
