import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../shared/dependencies.ts';
import { idempotencyMiddleware } from '../shared/idempotency.ts';
import { maskedLogger } from '../shared/logging.ts';
import { parseUploadReportInput } from './schema.ts';
import { uploadReport, uploadReportDependencies } from './upload-report.ts';

export const handler = middy(domainHandler(parseUploadReportInput, uploadReport))
  .use(maskedLogger())
  .use(idempotencyMiddleware())
  .use(dependenciesMiddleware({ create: (env) => uploadReportDependencies(env) }));
