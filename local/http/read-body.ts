/** Reading a request body in the local stand-ins' HTTP servers, with a size limit. */
import type { IncomingMessage } from 'node:http';

/**
 * The body as text; past `maxBytes` the request is cut off and the promise rejects with what
 * `tooLarge` makes (each server answers with its own error shape).
 *
 * @example
 * const text = await readBody(req, 1 << 20, (max) => new BadRequest(`the body is larger than ${max} bytes`));
 */
export function readBody(req: IncomingMessage, maxBytes: number, tooLarge: (maxBytes: number) => Error): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(tooLarge(maxBytes));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
