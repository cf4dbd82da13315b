/**
 * Reading a request body in the local stand-ins' HTTP servers, with a size limit: the API's reader
 * (engine/api/request-guard.ts), which refuses a body from its Content-Length or as soon as the
 * count passes the limit, answered in each server's own error shape.
 */
import type { IncomingMessage } from 'node:http';
import { BodyTooLarge, readBody as readLimitedBody } from '../../engine/api/request-guard.ts';

export { screenRequest } from '../../engine/api/request-guard.ts';

/**
 * The body as text; past `maxBytes` nothing more is read and the promise rejects with what
 * `tooLarge` makes (each server answers with its own error shape). The server must have called
 * `screenRequest` (or `stopReadingAfterAnswer`) on the request, so that the connection of a
 * refused body is closed once the refusal is answered.
 *
 * @example
 * const text = await readBody(req, 1 << 20, (max) => new BadRequest(`the body is larger than ${max} bytes`));
 */
export async function readBody(req: IncomingMessage, maxBytes: number, tooLarge: (maxBytes: number) => Error): Promise<string> {
  try {
    return await readLimitedBody(req, maxBytes);
  } catch (e) {
    throw e instanceof BodyTooLarge ? tooLarge(maxBytes) : e;
  }
}
