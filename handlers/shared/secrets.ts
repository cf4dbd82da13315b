/**
 * Reads a secret the way each place provides it: locally the value itself is in the environment
 * (`NAME`, set by `longhaul serve`); on AWS only its ARN is (`NAME_ARN`, set by infra/) and the
 * value comes from Secrets Manager through the AWS Parameters and Secrets Lambda Extension, a
 * local HTTP endpoint with its own cache, so no Secrets Manager SDK client is bundled.
 */
import { HandlerError, HandlerErrorName } from './errors.ts';
import type { Fetch } from './bi-client.ts';

/** The extension's default port (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT overrides it). */
const EXTENSION_PORT = '2773';

/**
 * @example
 * const secret = await readSecret(process.env, 'BI_WEBHOOK_SECRET'); // BI_WEBHOOK_SECRET, else BI_WEBHOOK_SECRET_ARN via the extension
 */
export async function readSecret(env: Record<string, string | undefined>, name: string, fetchFn: Fetch = globalThis.fetch): Promise<string> {
  const value = env[name];
  if (value) return value;
  const arn = env[`${name}_ARN`];
  if (!arn) throw new HandlerError(HandlerErrorName.Configuration, `neither ${name} nor ${name}_ARN is set`);
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT || EXTENSION_PORT;
  let response: Response;
  try {
    response = await fetchFn(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(arn)}`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' },
      signal: AbortSignal.timeout(5_000),
    });
  } catch (cause) {
    throw new HandlerError(HandlerErrorName.Configuration, `${name}_ARN: the Parameters and Secrets extension did not answer (is its layer attached?)`, { cause });
  }
  const body = await response.text().catch(() => '');
  if (!response.ok) throw new HandlerError(HandlerErrorName.Configuration, `${name}_ARN: the extension answered ${response.status}: ${body.slice(0, 200)}`);
  let secret: unknown;
  try {
    secret = (JSON.parse(body) as { SecretString?: unknown }).SecretString;
  } catch {
    secret = undefined;
  }
  if (typeof secret !== 'string' || secret === '') throw new HandlerError(HandlerErrorName.Configuration, `${name}_ARN: the secret has no SecretString`);
  return secret;
}
