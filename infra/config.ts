/**
 * What a deployment needs to be told: where it goes, the BI service's URL, who sends and receives
 * the outcome e-mails, and how queue-drain scales. Read from CDK context (`-c key=value`, or the
 * `context` block of cdk.json) and, for account and region, the usual CDK environment variables.
 *
 * Secrets are never configuration: the BI API key and the webhook signing secret live in Secrets
 * Manager (infra creates both; a person puts the BI service's values in them after the first deploy).
 */

export interface LonghaulConfig {
  /** explicit, so synth never looks anything up and needs no credentials */
  account: string;
  region: string;
  /** prefix of stack and resource names */
  prefix: string;
  /** the BI service's base URL (its HTTP API, docs/bi-service.md) */
  biApiUrl: string;
  /** sender of the outcome e-mails: an address of a verified SES identity */
  emailFrom: string;
  /** recipients, comma-separated */
  emailTo: string;
  /** the verified SES identity the sender belongs to (a domain or the address; default: the sender's domain) */
  sesIdentity: string;
  /** where alarms are e-mailed; none: alarms only show in the console */
  alarmEmail?: string;
  /**
   * queue-drain scaling: worker k starts when the queue's visible messages reach the k-th step
   * (default 1, 500, 5000: one worker for any backlog, a second and third for large ones)
   */
  drainScaleSteps: number[];
  /**
   * an EventBridge Scheduler expression that also starts a queue-drain worker (none by default);
   * report-etl needs none: each upload starts it
   */
  queueDrainSchedule?: string;
  /** when nightly-export runs: an EventBridge Scheduler expression in UTC (default `cron(0 2 * * ? *)`) */
  nightlyExportSchedule: string;
  /** false in tests: Lambda code is inline instead of an esbuild bundle (STYLE rule 10) */
  bundling: boolean;
}

/** Placeholders that let a fresh clone synthesize; `deploy` with them fails loudly, not silently. */
export const CONFIG_DEFAULTS = {
  account: '123456789012',
  region: 'us-east-1',
  prefix: 'longhaul',
  biApiUrl: 'https://bi.example.invalid',
  emailFrom: 'longhaul@example.com',
  emailTo: 'ops@example.com',
  drainScaleSteps: [1, 500, 5000],
  nightlyExportSchedule: 'cron(0 2 * * ? *)',
} as const;

/** A context reader: `app.node.tryGetContext` in the app, a plain object in tests. */
export type ContextReader = (key: string) => unknown;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function steps(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : String(value).split(',');
  const numbers = list.map((v) => Number(v));
  if (numbers.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`drainScaleSteps must be positive integers, e.g. 1,500,5000 (got ${JSON.stringify(value)})`);
  }
  return [...numbers].sort((a, b) => a - b);
}

/**
 * Reads the configuration; every key has a default so `npm run synth` works on a fresh clone.
 *
 * @example
 * const config = readConfig((k) => app.node.tryGetContext(k), process.env);
 */
export function readConfig(context: ContextReader, env: Record<string, string | undefined> = {}): LonghaulConfig {
  const emailFrom = str(context('emailFrom')) ?? CONFIG_DEFAULTS.emailFrom;
  const alarmEmail = str(context('alarmEmail'));
  const queueDrainSchedule = str(context('queueDrainSchedule'));
  const bundling = context('bundling');
  return {
    account: str(context('account')) ?? str(env.CDK_DEFAULT_ACCOUNT) ?? CONFIG_DEFAULTS.account,
    region: str(context('region')) ?? str(env.CDK_DEFAULT_REGION) ?? CONFIG_DEFAULTS.region,
    prefix: str(context('prefix')) ?? CONFIG_DEFAULTS.prefix,
    biApiUrl: str(context('biApiUrl')) ?? CONFIG_DEFAULTS.biApiUrl,
    emailFrom,
    emailTo: str(context('emailTo')) ?? CONFIG_DEFAULTS.emailTo,
    sesIdentity: str(context('sesIdentity')) ?? emailFrom.slice(emailFrom.lastIndexOf('@') + 1),
    ...(alarmEmail ? { alarmEmail } : {}),
    drainScaleSteps: steps(context('drainScaleSteps')) ?? [...CONFIG_DEFAULTS.drainScaleSteps],
    ...(queueDrainSchedule ? { queueDrainSchedule } : {}),
    nightlyExportSchedule: str(context('nightlyExportSchedule')) ?? CONFIG_DEFAULTS.nightlyExportSchedule,
    bundling: !(bundling === false || bundling === 'false'),
  };
}
