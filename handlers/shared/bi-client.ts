/**
 * The handlers' client for the BI service (docs/bi-service.md). Every failure becomes a named
 * {@link HandlerError}: what may pass with time (network, timeout, 408, 429, 5xx) is
 * BI.Unavailable, which the workflows retry; the rest names what is wrong.
 */
import { HandlerError, HandlerErrorName } from './errors.ts';
import { requiredEnv } from './input.ts';
import { readSecret } from './secrets.ts';

export type Fetch = typeof globalThis.fetch;

export interface BiClientOptions {
  baseUrl: string;
  /**
   * the API key sent as `X-Api-Key`, or a function reading it (a secret, read on the first call
   * and kept for this client's life); absent: no key is sent
   */
  apiKey?: string | (() => Promise<string>);
  fetch?: Fetch;
  /** Per-request time limit in milliseconds (10 s unless given). */
  timeoutMs?: number;
}

export interface UploadAnswer { uploadId: string; status: string }
export interface JobAnswer {
  jobId: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  progress: number;
  error?: string;
  resultUrl?: string;
}

/** Answered by the BI service for a missing resource; callers name it after what they asked for. */
export class BiNotFound extends Error {
  override readonly name = 'BI.NotFound';
}

/**
 * @example
 * const bi = biClient({ baseUrl: process.env.BI_API_URL });
 * const { jobId } = await bi.startJob({ uploadId, callbackUrl }, 'exec-1/StartEtlJob');
 */
export function biClient(options: BiClientOptions) {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  let apiKey: Promise<string> | undefined;
  const key = options.apiKey;
  const readKey = () => (apiKey ??= typeof key === 'function' ? key() : Promise.resolve(key!));

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    if (key !== undefined) headers['x-api-key'] = await readKey();
    let response: Response;
    try {
      response = await fetchFn(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new HandlerError(HandlerErrorName.BiUnavailable, `${method} ${path} did not answer: ${(cause as Error).message}`, { cause });
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        throw new HandlerError(HandlerErrorName.BiUnavailable, `${method} ${path} answered ${response.status} with a body that is not JSON`, { cause });
      }
    }
    throw errorFor(method, path, response.status, text);
  }

  return {
    /** POST /uploads; the same idempotency key answers the same upload. */
    startUpload(request: { bucket: string; key: string; callbackUrl: string }, idempotencyKey: string): Promise<UploadAnswer> {
      return call<UploadAnswer>('POST', '/uploads', request, idempotencyKey);
    },
    /** POST /jobs; the same idempotency key answers the same job, never a second one. */
    startJob(request: { uploadId: string; callbackUrl?: string }, idempotencyKey: string): Promise<JobAnswer> {
      return call<JobAnswer>('POST', '/jobs', request, idempotencyKey);
    },
    /** GET /jobs/{jobId}. */
    getJob(jobId: string): Promise<JobAnswer> {
      return call<JobAnswer>('GET', `/jobs/${encodeURIComponent(jobId)}`);
    },
  };
}
export type BiClient = ReturnType<typeof biClient>;

function errorFor(method: string, path: string, status: number, text: string): Error {
  let code = '';
  let message = text;
  try {
    const parsed = JSON.parse(text) as { error?: string; message?: string };
    code = parsed.error ?? '';
    message = parsed.message ?? text;
  } catch {
    // a proxy's HTML error page: the status alone decides
  }
  const what = `${method} ${path} answered ${status}${code ? ` ${code}` : ''}: ${message}`;
  if (status === 408 || status === 429 || status >= 500) return new HandlerError(HandlerErrorName.BiUnavailable, what);
  if (status === 401 || status === 403) return new HandlerError(HandlerErrorName.BiUnauthorized, what);
  if (status === 404 || code === 'NotFound') return new BiNotFound(what);
  if (code === 'UploadNotProcessed') return new HandlerError(HandlerErrorName.BiUploadNotProcessed, what);
  return new HandlerError(HandlerErrorName.BiBadRequest, what);
}

/**
 * The BI client a handler's environment describes: `BI_API_URL`, and the API key from `BI_API_KEY`
 * (the local stack) or the secret `BI_API_KEY_ARN` names (infra/); without either, no key is sent.
 *
 * @example
 * const bi = biClientFromEnv(process.env);
 */
export function biClientFromEnv(env: Record<string, string | undefined>, fetch?: Fetch): BiClient {
  const hasKey = Boolean(env.BI_API_KEY || env.BI_API_KEY_ARN);
  return biClient({ baseUrl: requiredEnv(env, 'BI_API_URL'), fetch, apiKey: hasKey ? () => readSecret(env, 'BI_API_KEY', fetch) : undefined });
}
