/**
 * HTTP/1.1 by hand over a TCP socket to a loopback server, for what no HTTP client lets a test do:
 * declare a body and never send it, stream a body that never ends, set any Host, and see whether
 * the server answered before the body was sent and whether it then closed the connection.
 */
import { connect, type Socket } from 'node:net';

export interface RawRequest {
  method?: string;
  path?: string;
  /** header name → value; `host` defaults to the URL's host */
  headers?: Record<string, string>;
  /** a whole body, sent with its Content-Length */
  body?: string | Buffer;
  /** a chunked body of `chunkBytes`-byte chunks, sent until the server answers or `maxBytes` went out, never ended */
  stream?: { chunkBytes: number; maxBytes: number };
  /** a Content-Length to declare without sending any of the body */
  declaredLength?: number;
  /** wait (a bounded time) for the server to close the connection after its answer, and say whether it did */
  awaitClose?: boolean;
}

export interface RawAnswer {
  status: number;
  /** lower-case names */
  headers: Record<string, string>;
  body: string;
  /** body bytes the client had written when the answer was complete */
  sentBytes: number;
  /** with `awaitClose`: whether the server closed the connection after answering */
  closed?: boolean;
}

/** How long (real time) a request may wait for its answer, and an answer for the server to close. */
const BOUND_MS = 10_000;

/**
 * Sends one request and reads its answer.
 *
 * @example
 * const answer = await rawRequest(server.url, { method: 'POST', headers: { 'x-amz-target': 'Nope' }, declaredLength: 100e6 });
 * // answer.status === 400, answer.sentBytes === 0, answer.closed === true
 */
export async function rawRequest(url: string, req: RawRequest): Promise<RawAnswer> {
  const { hostname, port, host } = new URL(url);
  const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
  socket.on('error', () => undefined); // a reset after the answer is one of the outcomes read below
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const headers: Record<string, string> = { host, ...req.headers };
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  if (body) headers['content-length'] = String(body.length);
  else if (req.declaredLength !== undefined) headers['content-length'] = String(req.declaredLength);
  else if (req.stream) headers['transfer-encoding'] = 'chunked';
  const head = `${req.method ?? 'GET'} ${req.path ?? '/'} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

  const answer = readAnswer(socket);
  let sent = 0;
  let answered = false;
  void answer.then(() => (answered = true), () => (answered = true));
  socket.write(head);
  if (body) {
    socket.write(body);
    sent = body.length;
  } else if (req.stream) {
    const chunk = Buffer.alloc(req.stream.chunkBytes, 'x');
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    while (!answered && sent < req.stream.maxBytes && !socket.destroyed) {
      const flushed = socket.write(frame);
      sent += chunk.length;
      // a server that stopped reading never drains: the answer (or the close) ends the wait
      if (!flushed) await Promise.race([new Promise((r) => socket.once('drain', r)), answer.catch(() => undefined), closedOf(socket)]);
    }
  }
  const sentBytes = sent;
  const { status, headers: answerHeaders, body: answerBody } = await answer;
  let closed: boolean | undefined;
  if (req.awaitClose) {
    let timer: NodeJS.Timeout | undefined;
    closed = await Promise.race([closedOf(socket).then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), BOUND_MS)))]);
    clearTimeout(timer);
  }
  socket.destroy();
  return { status, headers: answerHeaders, body: answerBody, sentBytes, closed };
}

function closedOf(socket: Socket): Promise<void> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('end', () => resolve());
    socket.once('close', () => resolve());
  });
}

/** Reads one answer with a Content-Length (every Longhaul server sends one) from the socket. */
function readAnswer(socket: Socket): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error(`no complete answer within ${BOUND_MS} ms`)), BOUND_MS);
    const done = (err?: Error, value?: { status: number; headers: Record<string, string>; body: string }) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve(value!);
    };
    const parse = () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (data.length < end + 4 + length) return undefined;
      return { status: Number(statusLine.split(' ')[1]), headers, body: data.subarray(end + 4, end + 4 + length).toString('utf8') };
    };
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const answer = parse();
      if (answer) done(undefined, answer);
    };
    const onClose = () => done(new Error(`the connection closed before a complete answer (${data.length} bytes read)`));
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}
