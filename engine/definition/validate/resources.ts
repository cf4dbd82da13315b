/**
 * Task `Resource` values AWS recognizes at creation.
 *
 * Three kinds: a Lambda function ARN, an activity ARN, and a service integration
 * `arn:<partition>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`. For the
 * optimized integrations AWS knows each service's actions and which integration patterns they
 * support; `arn:aws:states:::dynamodb:query`, for one, is refused (query exists only through the
 * `aws-sdk:dynamodb:query` integration). `aws-sdk:<service>:<action>` is accepted for any action.
 */

export const IntegrationPattern = {
  RequestResponse: '',
  Sync: '.sync',
  Sync2: '.sync:2',
  Callback: '.waitForTaskToken',
} as const;
export type IntegrationPattern = (typeof IntegrationPattern)[keyof typeof IntegrationPattern];

export type TaskResource =
  | { kind: 'lambda' }
  | { kind: 'activity' }
  | { kind: 'integration'; service: string; action: string; pattern: IntegrationPattern }
  | { kind: 'unknown' };

const S = IntegrationPattern.Sync;
const S2 = IntegrationPattern.Sync2;
const C = IntegrationPattern.Callback;
type Patterns = readonly IntegrationPattern[];
const RR: Patterns = [];
const RR_C: Patterns = [C];
const RR_S: Patterns = [S];
const RR_S_C: Patterns = [S, C];

/** service -> action -> the patterns beyond request-response it supports. */
const OPTIMIZED: Record<string, Record<string, Patterns>> = {
  lambda: { invoke: RR_C },
  dynamodb: { getItem: RR, putItem: RR, updateItem: RR, deleteItem: RR },
  sns: { publish: RR_C },
  sqs: { sendMessage: RR_C },
  states: { startExecution: [S, S2, C] },
  events: { putEvents: RR_C },
  apigateway: { invoke: RR_C },
  http: { invoke: RR },
  ecs: { runTask: RR_S_C },
  batch: { submitJob: RR_S },
  glue: { startJobRun: RR_S },
  databrew: { startJobRun: RR_S },
  athena: { startQueryExecution: RR_S, stopQueryExecution: RR, getQueryExecution: RR, getQueryResults: RR },
  codebuild: {
    startBuild: RR_S,
    stopBuild: RR,
    batchDeleteBuilds: RR,
    batchGetReports: RR,
    startBuildBatch: RR_S,
    stopBuildBatch: RR,
    retryBuildBatch: RR_S,
    deleteBuildBatch: RR,
  },
  sagemaker: {
    createEndpoint: RR,
    createEndpointConfig: RR,
    createHyperParameterTuningJob: RR_S,
    createLabelingJob: RR_S,
    createModel: RR,
    createProcessingJob: RR_S,
    createTrainingJob: RR_S,
    createTransformJob: RR_S,
    updateEndpoint: RR,
  },
  eks: {
    createCluster: RR_S_C,
    deleteCluster: RR_S_C,
    createFargateProfile: RR_S_C,
    deleteFargateProfile: RR_S_C,
    createNodegroup: RR_S_C,
    deleteNodegroup: RR_S_C,
    runJob: RR_S_C,
    call: RR_C,
  },
  elasticmapreduce: {
    createCluster: RR_S,
    terminateCluster: RR_S,
    addStep: RR_S,
    cancelStep: RR,
    setClusterTerminationProtection: RR,
    modifyInstanceFleetByName: RR,
    modifyInstanceGroupByName: RR,
  },
  'emr-containers': { startJobRun: RR_S, createVirtualCluster: RR, deleteVirtualCluster: RR_S },
  'emr-serverless': {
    createApplication: RR_S,
    startApplication: RR_S,
    stopApplication: RR_S,
    deleteApplication: RR_S,
    startJobRun: RR_S,
    cancelJobRun: RR_S,
  },
  bedrock: {
    invokeModel: RR_C,
    createModelCustomizationJob: RR_S_C,
  },
  mediaconvert: { createJob: RR_S },
};

const PARTITION = '(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)';
const LAMBDA_ARN = new RegExp(`^arn:${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$`);
const ACTIVITY_ARN = new RegExp(`^arn:${PARTITION}:states:[a-z0-9-]+:\\d{12}:activity:.+$`);
const INTEGRATION = new RegExp(`^arn:${PARTITION}:states:::(.+)$`);

/** Classifies a Task's Resource; `unknown` is what AWS refuses as "not recognized". */
export function classifyResource(resource: string): TaskResource {
  if (LAMBDA_ARN.test(resource)) return { kind: 'lambda' };
  if (ACTIVITY_ARN.test(resource)) return { kind: 'activity' };
  const m = INTEGRATION.exec(resource);
  if (!m) return { kind: 'unknown' };
  const spec = m[1];
  if (spec.startsWith('aws-sdk:')) {
    const sdk = /^aws-sdk:([a-z0-9-]+):([A-Za-z0-9]+)(\.waitForTaskToken)?$/.exec(spec);
    if (!sdk) return { kind: 'unknown' };
    return { kind: 'integration', service: `aws-sdk:${sdk[1]}`, action: sdk[2], pattern: sdk[3] ? C : IntegrationPattern.RequestResponse };
  }
  const opt = /^([a-z0-9-]+):([A-Za-z0-9]+)(\.sync:2|\.sync|\.waitForTaskToken)?$/.exec(spec);
  if (!opt) return { kind: 'unknown' };
  const [, service, action, suffix] = opt;
  const pattern = (suffix ?? '') as IntegrationPattern;
  const actions = OPTIMIZED[service];
  if (!actions || !Object.prototype.hasOwnProperty.call(actions, action)) return { kind: 'unknown' };
  if (pattern !== IntegrationPattern.RequestResponse && !actions[action].includes(pattern)) return { kind: 'unknown' };
  return { kind: 'integration', service, action, pattern };
}
