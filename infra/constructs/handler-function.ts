/**
 * One Lambda function for one folder of handlers/: nodejs24.x on arm64, its own role with no
 * managed policy (each grant is added explicitly by the stack that knows what the handler calls),
 * and its own log group, the only thing the role may write to.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../workflows.ts';

/** The handler folders under handlers/. */
export const HandlerName = {
  StartFromS3: 'start-from-s3',
  UploadReport: 'upload-report',
  StartEtlJob: 'start-etl-job',
  CheckEtlJob: 'check-etl-job',
  Notify: 'notify',
  CallbackReceiver: 'callback-receiver',
  ProcessBatch: 'process-batch',
  StartOnSchedule: 'start-on-schedule',
} as const;
export type HandlerName = (typeof HandlerName)[keyof typeof HandlerName];

export interface HandlerFunctionProps {
  handler: HandlerName;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /** false: inline placeholder code, so tests synthesize without esbuild (STYLE rule 10) */
  bundling: boolean;
  /** adds the AWS Parameters and Secrets Lambda Extension, through which the handler reads Secrets Manager */
  readsSecrets?: boolean;
}

/** The ESM shim esbuild needs for CommonJS dependencies that call require() inside an ESM bundle. */
const REQUIRE_SHIM = "import { createRequire as __longhaulCreateRequire } from 'node:module'; const require = __longhaulCreateRequire(import.meta.url);";

/**
 * @example
 * const notify = new HandlerFunction(this, 'Notify', { handler: HandlerName.Notify, bundling: true, environment: { EMAIL_FROM } });
 * notify.allow(['ses:SendEmail'], [identityArn]);
 */
export class HandlerFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `handlers/${props.handler}: only the calls that handler makes`,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    // Explicit, not logGroup.grantWrite(): the same two actions, stated where a reader looks for them.
    this.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [this.logGroup.logGroupArn]);

    const common = {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      description: `Longhaul handlers/${props.handler}`,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      ...(props.readsSecrets
        ? { paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, { cacheSize: 10 }) }
        : {}),
    };
    this.function = props.bundling
      ? new NodejsFunction(this, 'Function', {
          ...common,
          entry: join(PROJECT_ROOT, 'handlers', props.handler, 'index.ts'),
          handler: 'handler',
          projectRoot: PROJECT_ROOT,
          depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
          bundling: {
            format: OutputFormat.ESM,
            target: 'node24',
            mainFields: ['module', 'main'],
            banner: REQUIRE_SHIM,
            minify: true,
            sourceMap: true,
            sourcesContent: false,
            // The AWS SDK is bundled too: the versions the unit tests ran, not the runtime's.
            externalModules: [],
          },
        })
      : new lambda.Function(this, 'Function', {
          ...common,
          handler: 'index.handler',
          code: lambda.Code.fromInline(`exports.handler = async () => { throw new Error('handlers/${props.handler} synthesized without bundling (tests only)'); };`),
        });
  }

  /** Adds one explicit statement to the function's role. */
  allow(actions: string[], resources: string[], conditions?: Record<string, Record<string, unknown>>): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  }

  get functionArn(): string {
    return this.function.functionArn;
  }
}
