/**
 * The built web console (console/dist) as static files at `/console/`, beside the Step Functions
 * API on the same port. Only GET and HEAD; a path that would leave the folder is 404, as is
 * anything the folder does not hold. The console is a client of the API like any other: it is
 * served here only so that it needs no second port and no CORS. Every answer forbids framing
 * (`X-Frame-Options: DENY`, `frame-ancestors 'none'`): no other site can show the console inside
 * a frame and trick a click on it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { ANTI_FRAMING_HEADERS } from './request-guard.ts';

/** Where `npm run console:build` (and `npm install`'s prepare) writes the bundle. */
export const DEFAULT_CONSOLE_DIR = resolve(import.meta.dirname, '../../console/dist');

export const CONSOLE_PATH = '/console/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** The console folder to serve: `dir` when given, else the default one when it has been built. */
export function consoleFolder(dir: string | false | undefined): string | undefined {
  if (dir === false) return undefined;
  const folder = resolve(dir ?? DEFAULT_CONSOLE_DIR);
  return existsSync(join(folder, 'index.html')) ? folder : undefined;
}

/**
 * Answers a request for the console, or returns false when the request is not one (it then goes
 * to the API). `GET /` redirects to the console.
 */
export function serveConsole(req: IncomingMessage, res: ServerResponse, folder: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  // the path as sent: URL parsing would resolve `..` first and hand a traversal to the API instead
  const path = (req.url ?? '/').split(/[?#]/, 1)[0];
  if (path === '/' || path === '/console') {
    res.writeHead(302, { location: CONSOLE_PATH, 'content-length': 0, ...ANTI_FRAMING_HEADERS });
    res.end();
    return true;
  }
  if (!path.startsWith(CONSOLE_PATH)) return false;
  const file = fileFor(folder, path.slice(CONSOLE_PATH.length));
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...ANTI_FRAMING_HEADERS });
    res.end('Not found\n');
    return true;
  }
  const body = readFileSync(file);
  // hashed asset names never change; index.html must be read again to find new ones
  const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length, 'cache-control': cache, ...ANTI_FRAMING_HEADERS });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** The file a console path names inside `folder`, or undefined (absent, a folder, or outside it). */
function fileFor(folder: string, relative: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = resolve(folder, decoded === '' ? 'index.html' : decoded);
  if (file !== folder && !file.startsWith(folder + sep)) return undefined;
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
