/**
 * A small Secrets Manager for the handlers the Lambda runtime runs: `@aws-sdk/client-secrets-manager`
 * reaches it through `AWS_ENDPOINT_URL_SECRETS_MANAGER` and talks to it unchanged (AWS JSON 1.1,
 * `X-Amz-Target: secretsmanager.<Action>`). GetSecretValue, DescribeSecret and ListSecrets are served.
 *
 * The secrets are the stack config's; their values come from a local file kept out of git
 * (`longhaul.secrets.json` beside the config by default), keyed by secret name, a string or a JSON
 * value (sent as its JSON text). The file is read at each request, so an edited value is seen
 * without a restart. A configured secret whose value the file lacks answers ResourceNotFoundException
 * naming the file, as AWS answers for a secret with no current version.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { readBody, screenRequest } from '../http/read-body.ts';
import { listenOnLoopback } from '../http/listen.ts';

/** A secret (AWS::SecretsManager::Secret) as the stack config names it. */
export interface SecretConfig {
  name: string;
  description?: string;
}

export interface SecretsEndpointOptions {
  secrets: readonly SecretConfig[];
  /** the JSON file of values by secret name */
  valuesFile: string;
  region: string;
  accountId: string;
  /** the engine's clock, for the dates it answers */
  clock: () => number;
  /** 0 or absent: a free port */
  port?: number;
}

export interface SecretsEndpoint {
  url: string;
  /** secret name → ARN */
  arns: Record<string, string>;
  stop(): Promise<void>;
}

class SecretsError extends Error {
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = type;
    this.status = status;
  }
}

/**
 * A secret's ARN: AWS ends it with `-` and six random characters; here they come from the name, so
 * the ARN is the same at every start.
 *
 * @example
 * secretArn('db-password', 'us-east-1', '123456789012') // 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbC123'
 */
export function secretArn(name: string, region: string, accountId: string): string {
  const suffix = createHash('sha256').update(name).digest('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 6);
  return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${suffix}`;
}

/**
 * Starts the endpoint on 127.0.0.1.
 *
 * @example
 * const secrets = await startSecretsEndpoint({ secrets: [{ name: 'bi-api-key' }], valuesFile: 'longhaul.secrets.json', region, accountId, clock });
 * // a handler with AWS_ENDPOINT_URL_SECRETS_MANAGER=secrets.url: new GetSecretValueCommand({ SecretId: 'bi-api-key' })
 */
export async function startSecretsEndpoint(opts: SecretsEndpointOptions): Promise<SecretsEndpoint> {
  const arns = Object.fromEntries(opts.secrets.map((s) => [s.name, secretArn(s.name, opts.region, opts.accountId)]));
  const server = createServer((req, res) => {
    const foreign = screenRequest(req, res);
    if (foreign !== undefined) {
      reply(res, 403, { __type: 'AccessDeniedException', message: `Refused: ${foreign}. The local Secrets Manager answers only this machine's own clients.` });
      return;
    }
    handle(req, opts, arns).then(
      (body) => reply(res, 200, body),
      (e: unknown) => {
        const err = e instanceof SecretsError ? e : new SecretsError('InternalServiceError', e instanceof Error ? e.message : String(e), 500);
        reply(res, err.status, { __type: err.name, message: err.message });
      },
    );
  });
  const endpoint = await listenOnLoopback(server, opts.port);
  return {
    arns,
    ...endpoint,
  };
}

async function handle(req: IncomingMessage, opts: SecretsEndpointOptions, arns: Record<string, string>): Promise<JsonObject> {
  const target = String(req.headers['x-amz-target'] ?? '');
  const text = await readBody(req, 1 << 20, (max) => new SecretsError('InvalidRequestException', `The request is larger than ${max} bytes`));
  let params: Record<string, unknown>;
  try {
    params = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  } catch {
    throw new SecretsError('InvalidRequestException', 'The request body is not valid JSON');
  }
  const now = opts.clock() / 1000;
  const find = (): SecretConfig => {
    const id = params.SecretId;
    if (typeof id !== 'string' || id === '') throw new SecretsError('InvalidParameterException', 'SecretId is required');
    const secret = opts.secrets.find((s) => s.name === id || arns[s.name] === id || id.startsWith(`arn:`) && arns[s.name].startsWith(id));
    if (!secret) throw new SecretsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  };
  const describe = (s: SecretConfig): JsonObject => ({
    ARN: arns[s.name], Name: s.name, ...(s.description ? { Description: s.description } : {}),
    LastChangedDate: now, CreatedDate: now, VersionIdsToStages: { [versionOf(s.name)]: ['AWSCURRENT'] },
  });
  switch (target) {
    case 'secretsmanager.GetSecretValue': {
      const s = find();
      const values = readValues(opts.valuesFile);
      if (!Object.prototype.hasOwnProperty.call(values, s.name)) {
        throw new SecretsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: AWSCURRENT (the local secrets file ${opts.valuesFile} has no value for "${s.name}")`);
      }
      const value = values[s.name];
      return { ARN: arns[s.name], Name: s.name, VersionId: versionOf(s.name), SecretString: typeof value === 'string' ? value : JSON.stringify(value), VersionStages: ['AWSCURRENT'], CreatedDate: now };
    }
    case 'secretsmanager.DescribeSecret':
      return describe(find());
    case 'secretsmanager.ListSecrets':
      return { SecretList: opts.secrets.map(describe) };
    default:
      throw new SecretsError('UnknownOperationException', `The local Secrets Manager serves GetSecretValue, DescribeSecret and ListSecrets, not ${target || 'a request without X-Amz-Target'}`);
  }
}

function readValues(file: string): Record<string, JsonValue> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, JsonValue>;
  } catch (e) {
    throw new SecretsError('InternalServiceError', `the local secrets file ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, 500);
  }
}

/** One version per secret, named after it so that it is stable across starts. */
function versionOf(name: string): string {
  const h = createHash('sha256').update(`version:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function reply(res: ServerResponse, status: number, body: JsonObject): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID() });
  res.end(text);
}
