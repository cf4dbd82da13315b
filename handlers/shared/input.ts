/** Small input checks shared by the handlers' schemas; each failure is a Handler.InvalidInput. */
import { HandlerError, HandlerErrorName } from './errors.ts';

export function invalid(message: string): HandlerError {
  return new HandlerError(HandlerErrorName.InvalidInput, message);
}

export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} must be an object`);
  return value as Record<string, unknown>;
}

export function requiredString(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value === '') throw invalid(`${field} must be a non-empty string`);
  return value;
}

export function optionalString(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string when present`);
  return value;
}

/** Reads a required environment variable. */
export function requiredEnv(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) throw new HandlerError(HandlerErrorName.Configuration, `environment variable ${name} is not set`);
  return value;
}

/** `<base>/callbacks?token=<urlencoded token>`: where the BI service posts its webhooks for one task. */
export function callbackUrl(callbackBaseUrl: string, taskToken: string): string {
  return `${callbackBaseUrl.replace(/\/+$/, '')}/callbacks?token=${encodeURIComponent(taskToken)}`;
}
