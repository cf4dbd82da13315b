/**
 * What is local by nature, laid over a synthesized app when it runs locally: the app says what is
 * deployed (functions, buckets, queues, rules, state machines...), the overlay only what no
 * deployment has — the BI simulator and the callback receiver the functions reach instead of the
 * real services, values for the app's secrets, stand-ins and mocked responses. It is the `overlay`
 * section of longhaul.config.json (with the config's `standIns` and `mockConfig`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { JsonValue } from '../../engine/json.ts';
import type { StackConfig } from '../stack.ts';
import type { MappedApp } from './map-resources.ts';

export interface AppOverlay {
  /**
   * variables set on every function of the app that already has them, e.g.
   * `{ "BI_API_URL": "{{bi}}" }`: the BI base URL the app deploys becomes the local simulator's.
   * Values may hold references (`{{bi}}`, `{{callbacks}}`..., see config-refs.ts).
   */
  environment?: Record<string, string>;
  /**
   * values for the app's Secrets Manager secrets, by the secret's local name, its logical id, or
   * its CDK construct path without the hash (`BiApiKey` for `BiApiKey322D3DA1`)
   */
  secrets?: Record<string, JsonValue>;
  /** modules that answer for services that do not run locally (absolute paths) */
  standIns?: Record<string, string>;
  /** a Step Functions Local MockConfigFile (absolute path) */
  mockConfig?: string;
}

/** The config keys that wire a system together: an app provides them itself. */
const WIRING_KEYS = ['functions', 'buckets', 'queues', 'topics', 'subscriptions', 'eventSourceMappings', 'schedules', 'httpApis', 'secrets', 'tables', 'stateMachines', 'rules'] as const;

/** longhaul.config.json with its overlay section. */
export type ProjectConfig = StackConfig & { overlay?: Pick<AppOverlay, 'environment' | 'secrets'> };

/**
 * The overlay a config file gives (paths made absolute), with the values of a
 * `longhaul.secrets.json` beside it over the config's own secret values, and the wiring keys the
 * file also has, which an app run does not use.
 *
 * @example
 * const { overlay } = readAppOverlay('longhaul.config.json');
 * await startCloudApp({ app: 'cdk.out', overlay });
 */
export function readAppOverlay(file: string): { overlay: AppOverlay; ignoredKeys: string[] } {
  const path = resolve(file);
  const dir = dirname(path);
  const config = JSON.parse(readFileSync(path, 'utf8')) as ProjectConfig;
  const secretsFile = join(dir, 'longhaul.secrets.json');
  const fileSecrets = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, JsonValue>) : {};
  const overlay: AppOverlay = {
    ...(config.overlay?.environment ? { environment: config.overlay.environment } : {}),
    secrets: { ...config.overlay?.secrets, ...fileSecrets },
    ...(config.standIns ? { standIns: Object.fromEntries(Object.entries(config.standIns).map(([k, v]) => [k, resolve(dir, v)])) } : {}),
    ...(config.mockConfig ? { mockConfig: resolve(dir, config.mockConfig) } : {}),
  };
  return { overlay, ignoredKeys: WIRING_KEYS.filter((k) => config[k] !== undefined) };
}

/**
 * Lays an overlay over a mapped app: answers the stack config to run, the secret values by local
 * secret name, and what of the overlay matched nothing in the app (worth a warning: a renamed
 * variable would otherwise silently send a function to the deployed service).
 */
export function applyOverlay(app: MappedApp, overlay: AppOverlay): { config: StackConfig; secretValues: Record<string, JsonValue>; unmatched: string[] } {
  const unmatched: string[] = [];
  const functions = structuredClone(app.config.functions ?? {});
  for (const [variable, value] of Object.entries(overlay.environment ?? {})) {
    const having = Object.values(functions).filter((f) => f.environment && Object.prototype.hasOwnProperty.call(f.environment, variable));
    if (having.length === 0) unmatched.push(`environment ${variable}: no function of the app has it`);
    for (const f of having) f.environment![variable] = value;
  }
  const secretIds = app.resources
    .filter((r) => r.type === 'AWS::SecretsManager::Secret' && r.outcome.kind === 'run')
    .map((r) => ({ logicalId: r.logicalId, name: (r.outcome as { localName: string }).localName }));
  const secretValues: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(overlay.secrets ?? {})) {
    const matching = secretIds.filter((s) => s.name === key || s.logicalId === key || cdkPathOf(s.logicalId) === key);
    if (matching.length === 0) unmatched.push(`secret ${key}: the app has no such secret (it has ${secretIds.map((s) => cdkPathOf(s.logicalId)).join(', ') || 'none'})`);
    for (const s of matching) secretValues[s.name] = value;
  }
  const config: StackConfig = {
    ...app.config,
    functions,
    ...(overlay.standIns ? { standIns: { ...app.config.standIns, ...overlay.standIns } } : {}),
    ...(overlay.mockConfig ? { mockConfig: overlay.mockConfig } : {}),
  };
  return { config, secretValues, unmatched };
}

/** A CDK logical id without the 8-hex hash CDK appends to a construct path. */
function cdkPathOf(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}
