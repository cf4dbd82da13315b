/**
 * What every local HTTP server of Longhaul checks before it does anything with a request: that it
 * comes from this machine's own clients (not from a web page on another site, nor through a DNS
 * rebinding name), and that its body is not larger than the server takes. The Step Functions API
 * uses it here; the local stack's servers (local/) import it, so the policy is written once.
 *
 * The servers have no authentication and bind 127.0.0.1, which keeps other machines out but not
 * the browser on this one: a page on any site can send simple requests (form posts, `fetch` with
 * `no-cors`) to 127.0.0.1, and a page on a name that rebinds to 127.0.0.1 can even read the
 * answers. Browsers name the page's site in `Origin` (and `Sec-Fetch-Site`), and a rebinding page
 * cannot change the `Host` its requests carry, so checking both closes the two ways in. The SDKs,
 * the AWS CLI and the handlers send no `Origin` and a loopback `Host`, so they never notice.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** The response headers that keep a page from being shown inside another site's frame (clickjacking). */
export const ANTI_FRAMING_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
};

/**
 * The Host names a local server answers to. `*.localhost` is accepted too: RFC 6761 reserves the
 * name for loopback, browsers resolve it only to loopback, so no rebinding domain can claim it;
 * and S3 clients without path-style addressing send `<bucket>.localhost`, as fauxqs's own SQS
 * queue URLs used `sqs.<region>.localhost`.
 */
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The host name of a Host header (`name:port`, `[v6]:port`), lower-cased; undefined when malformed. */
function hostName(host: string): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * Whether a Host header names this machine's loopback interface.
 *
 * @example
 * isLoopbackHost('127.0.0.1:8083'); // true
 * isLoopbackHost('inbox.localhost:4566'); // true
 * isLoopbackHost('rebind.attacker.example:8083'); // false
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = hostName(host);
  if (name === undefined) return false;
  return LOOPBACK_NAMES.has(name) || (name.endsWith('.localhost') && /^[a-z0-9.-]+$/.test(name));
}

/**
 * Why a request is refused as not coming from this machine's own clients, or undefined when it is
 * acceptable: a Host that is not loopback (DNS rebinding), an `Origin` other than the server's own
 * (a page on another site; the console served by the API is the server's own origin), or a
 * browser's `Sec-Fetch-Site` saying the request was made by another site (it also marks `<img>`
 * and `<script>` requests, which carry no Origin). Requests with no Origin at all are what the
 * SDKs, the AWS CLI and curl send, and are accepted.
 *
 * @example
 * foreignRequest({ host: '127.0.0.1:8083' }); // undefined
 * foreignRequest({ host: '127.0.0.1:8083', origin: 'https://example.com' }); // 'the Origin https://example.com is not this server's'
 */
export function foreignRequest(headers: IncomingHttpHeaders): string | undefined {
  const host = headers.host;
  if (!isLoopbackHost(host)) return `the Host ${host === undefined ? '(none)' : JSON.stringify(host)} is not a loopback name (127.0.0.1, localhost, [::1])`;
  const origin = headers.origin;
  if (origin !== undefined && !sameOrigin(origin, host!)) return `the Origin ${origin} is not this server's`;
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `a page on another site made this request (Sec-Fetch-Site: ${site})`;
  return undefined;
}

/** Whether `origin` is `http://<host>`: a page this same server served. */
function sameOrigin(origin: string, host: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, data: URLs) and anything malformed
  }
  return url.protocol === 'http:' && url.host === new URL(`http://${host}`).host;
}

/**
 * How long, and how much, a server reads and discards of a body it did not read before answering,
 * before it drops the connection. Dropping it at once would send a TCP reset, and a client still
 * sending often sees the reset instead of the answer (RFC 9112 §9.6); a small body read to its end
 * keeps the connection alive for the client's next request. A client that stops sending once
 * answered, as HTTP clients do, costs nothing; one that keeps sending is cut off at either bound.
 */
const LINGER_MS = 1000;
const LINGER_BYTES = 4 * 1024 * 1024;

/**
 * Makes sure a request whose body was not read to its end when its answer was sent (a refused
 * body, an unknown target, a foreign request) is read no further than LINGER_BYTES and LINGER_MS:
 * what arrives meanwhile is discarded, and past either bound the connection is dropped, where Node
 * would otherwise read the rest of the body, however large, to keep the connection alive. Call it
 * before answering.
 *
 * @example
 * const server = createServer((req, res) => {
 *   stopReadingAfterAnswer(req, res);
 *   // ...
 * });
 */
export function stopReadingAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    if (req.complete) return;
    const socket = req.socket;
    let discarded = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    // counted on the socket: Node does not hand the body of a request it discards to the request
    const onData = (chunk: Buffer) => {
      if (req.complete) return done();
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) socket.destroy();
    };
    const done = () => {
      clearTimeout(timer);
      socket.off('data', onData);
    };
    socket.on('data', onData);
    socket.once('close', done);
    req.once('end', done);
    req.resume();
  });
}

/**
 * The screening every local server does first: `stopReadingAfterAnswer`, then `foreignRequest`.
 * Answers the reason to refuse the request with a 403 in the server's own error shape, or
 * undefined.
 */
export function screenRequest(req: IncomingMessage, res: ServerResponse): string | undefined {
  stopReadingAfterAnswer(req, res);
  return foreignRequest(req.headers);
}

/** A request body larger than the server takes, refused before or while it was read. */
export class BodyTooLarge extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`The request body is larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLarge';
    this.maxBytes = maxBytes;
  }
}

/**
 * Reads a request's body as UTF-8 text. A body whose Content-Length is above `maxBytes` is refused
 * before any of it is read, and one sent without a length as soon as the count passes `maxBytes`:
 * the promise rejects with BodyTooLarge, nothing more is read, and what was read is dropped. Use
 * with `stopReadingAfterAnswer`, which closes the connection once the refusal is answered.
 *
 * @example
 * const text = await readBody(req, 1024 * 1024);
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) {
      reject(new BodyTooLarge(maxBytes));
      return;
    }
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        req.pause();
        chunks = [];
        reject(new BodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (e: Error) => {
      stop();
      reject(e);
    };
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
