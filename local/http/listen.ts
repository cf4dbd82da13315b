/**
 * A local endpoint's server on the loopback interface: listening on `port` (0: a free one), its
 * URL, and a stop that closes it with its open connections.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackEndpoint {
  url: string;
  stop(): Promise<void>;
}

/**
 * @example
 * const { url, stop } = await listenOnLoopback(createServer(handler), opts.port);
 */
export async function listenOnLoopback(server: Server, port: number | undefined): Promise<LoopbackEndpoint> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
