import middy from '@middy/core';
import { dependenciesMiddleware, domainHandler } from '../shared/dependencies.ts';
import { maskedLogger } from '../shared/logging.ts';
import { callbackReceiverDependencies, receiveCallback } from './callback-receiver.ts';
import { parseFunctionUrlEvent } from './schema.ts';

/** Behind an HTTP API (payload 2.0): the token rides in the query string, the HMAC in a header; both are masked. */
export const handler = middy(domainHandler(parseFunctionUrlEvent, receiveCallback))
  .use(maskedLogger(['event.queryStringParameters.token', 'event.rawQueryString', 'event.headers.x-bi-signature']))
  .use(dependenciesMiddleware({ create: callbackReceiverDependencies }));
