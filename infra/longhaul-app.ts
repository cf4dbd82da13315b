/**
 * The Longhaul app: one stack per workflow, with cdk-nag's AwsSolutions checks. Each finding that
 * stays is acknowledged, with its reason, next to the resource that causes it. Shared by
 * infra/app.ts (`npm run synth`, `cdk deploy`) and the tests, which build it with bundling off.
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { LonghaulConfig } from './config.ts';
import { NightlyExportStack } from './stacks/nightly-export-stack.ts';
import { QueueDrainStack } from './stacks/queue-drain-stack.ts';
import { ReportEtlStack } from './stacks/report-etl-stack.ts';

/**
 * Feature flags the app relies on, set here rather than only in cdk.json so that the tests'
 * App behaves as `npm run synth` does.
 */
export const APP_CONTEXT = {
  // The access-log bucket grants S3 logging through its bucket policy instead of the legacy ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
} as const;

/** An App with the Longhaul feature flags under whatever context the CLI or a test gives. */
export function longhaulApp(props: AppProps = {}): App {
  return new App({ ...props, postCliContext: { ...APP_CONTEXT, ...props.postCliContext } });
}

export interface LonghaulStacks {
  reportEtl: ReportEtlStack;
  queueDrain: QueueDrainStack;
  nightlyExport: NightlyExportStack;
}

/**
 * @example
 * const app = longhaulApp();
 * addLonghaulStacks(app, readConfig((k) => app.node.tryGetContext(k), process.env));
 */
export function addLonghaulStacks(app: App, config: LonghaulConfig): LonghaulStacks {
  const env = { account: config.account, region: config.region };
  const reportEtl = new ReportEtlStack(app, 'ReportEtl', {
    env,
    stackName: `${config.prefix}-report-etl`,
    description: 'Longhaul report-etl: S3 upload -> BI upload + ETL job (callbacks, polling) -> e-mail',
    config,
  });
  const queueDrain = new QueueDrainStack(app, 'QueueDrain', {
    env,
    stackName: `${config.prefix}-queue-drain`,
    description: 'Longhaul queue-drain: workers that drain an SQS queue in batches',
    config,
  });
  const nightlyExport = new NightlyExportStack(app, 'NightlyExport', {
    env,
    stackName: `${config.prefix}-nightly-export`,
    description: "Longhaul nightly-export: a schedule -> start-on-schedule -> the day's results exported to S3 -> e-mail",
    config,
  });
  nightlyExport.addStackDependency(reportEtl, 'imports the reports bucket report-etl exports');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { reportEtl, queueDrain, nightlyExport };
}
