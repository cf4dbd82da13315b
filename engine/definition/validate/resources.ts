/**
 * Task `Resource` values AWS recognizes at creation.
 *
 * The form is read by engine/definition/resource-arn.ts (a Lambda function ARN, an activity ARN,
 * or `arn:<partition>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`). On top of
 * the form, AWS knows each optimized service's actions and which integration patterns they
 * support: `arn:aws:states:::dynamodb:query`, for one, is refused (query exists only through the
 * `aws-sdk:dynamodb:query` integration). `aws-sdk:<service>:<action>` is accepted for any service
 * and action, request-response or `.waitForTaskToken`, never `.sync`.
 */
import { IntegrationPattern, parseResourceArn } from '../resource-arn.ts';

export { IntegrationPattern };

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

/** Classifies a Task's Resource; `unknown` is what AWS refuses as "not recognized". */
export function classifyResource(resource: string): TaskResource {
  const r = parseResourceArn(resource);
  if (r === undefined) return { kind: 'unknown' };
  if (r.kind !== 'integration') return { kind: r.kind };
  const integration = { kind: 'integration', service: r.service, action: r.action, pattern: r.pattern } as const;
  if (r.sdk) return r.pattern === IntegrationPattern.Sync || r.pattern === IntegrationPattern.Sync2 ? { kind: 'unknown' } : integration;
  const actions = OPTIMIZED[r.service];
  if (!actions || !Object.prototype.hasOwnProperty.call(actions, r.action)) return { kind: 'unknown' };
  if (r.pattern !== IntegrationPattern.RequestResponse && !actions[r.action].includes(r.pattern)) return { kind: 'unknown' };
  return integration;
}
