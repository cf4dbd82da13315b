/**
 * One reading of a Task's Resource for the validator, the engine and the local integrations: the
 * forms AWS accepts (its guide's samples, what the CDK generates once `${AWS::Partition}` is
 * substituted), split as history records them.
 */
import { describe, it, expect } from '@jest/globals';
import { definitionProblems, type ValidateOptions } from '../../../engine/definition/validate.ts';
import { parseResourceArn, type ResourceArn } from '../../../engine/definition/resource-arn.ts';
import { flavorOfArn } from '../../../engine/runtime/integrations.ts';
import { parseResource } from '../../../local/integrations/common.ts';
import { lambdaTaskFlavor } from '../../../local/lambda/task.ts';

const task = (resource: string): Record<string, unknown> => ({ StartAt: 'A', States: { A: { Type: 'Task', Resource: resource, End: true } } });

describe('parseResourceArn reads the three forms of a Task resource', () => {
  it.each<[string, string, Partial<ResourceArn>]>([
    ['a Lambda function', 'arn:aws:lambda:us-east-1:123456789012:function:fn', { kind: 'lambda', partition: 'aws', region: 'us-east-1', accountId: '123456789012', functionName: 'fn', qualifier: null }],
    ['a Lambda version', 'arn:aws:lambda:us-east-1:123456789012:function:fn:7', { kind: 'lambda', functionName: 'fn', qualifier: '7' }],
    ['a Lambda alias', 'arn:aws:lambda:eu-west-1:123456789012:function:my_fn-2:live', { kind: 'lambda', functionName: 'my_fn-2', qualifier: 'live' }],
    ['$LATEST', 'arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST', { kind: 'lambda', qualifier: '$LATEST' }],
    ['a GovCloud Lambda', 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:fn', { kind: 'lambda', partition: 'aws-us-gov' }],
    ['an activity', 'arn:aws:states:us-east-1:123456789012:activity:approve', { kind: 'activity', region: 'us-east-1', name: 'approve' }],
    ['request-response', 'arn:aws:states:::lambda:invoke', { kind: 'integration', service: 'lambda', action: 'invoke', pattern: '', resourceType: 'lambda', resource: 'invoke' }],
    ['.sync', 'arn:aws:states:::batch:submitJob.sync', { service: 'batch', action: 'submitJob', pattern: 'sync', resource: 'submitJob.sync' }],
    ['.sync:2', 'arn:aws:states:::states:startExecution.sync:2', { service: 'states', action: 'startExecution', pattern: 'sync:2', resource: 'startExecution.sync:2' }],
    ['.waitForTaskToken', 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', { service: 'sqs', action: 'sendMessage', pattern: 'waitForTaskToken', resource: 'sendMessage.waitForTaskToken' }],
    ['an AWS SDK integration', 'arn:aws:states:::aws-sdk:s3:putObject', { sdk: true, service: 'aws-sdk:s3', action: 'putObject', resourceType: 'aws-sdk:s3', resource: 'putObject' }],
    ['an AWS SDK callback', 'arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken', { service: 'aws-sdk:sfn', resource: 'startExecution.waitForTaskToken', pattern: 'waitForTaskToken' }],
    ['a China partition integration', 'arn:aws-cn:states:::sns:publish', { partition: 'aws-cn', service: 'sns', action: 'publish' }],
    ['the HTTP task', 'arn:aws:states:::http:invoke', { service: 'http', action: 'invoke', pattern: '' }],
  ])('%s: %s', (_name, arn, expected) => {
    // Act
    const parsed = parseResourceArn(arn);

    // Assess
    expect(parsed).toMatchObject(expected);
  });

  it.each<[string, string]>([
    ['a bare function name', 'my-function'],
    ['an unknown partition', 'arn:aws-mars:states:::lambda:invoke'],
    ['an account that is not 12 digits', 'arn:aws:lambda:us-east-1:1234:function:fn'],
    ['a function name over 64 characters', `arn:aws:lambda:us-east-1:123456789012:function:${'f'.repeat(65)}`],
    ['an integration with a region', 'arn:aws:states:us-east-1:123456789012:lambda:invoke'],
    ['an unknown suffix', 'arn:aws:states:::lambda:invoke.async'],
    ['an unsubstituted template', 'arn:${AWS::Partition}:states:::lambda:invoke'],
  ])('reads no resource from %s', (_name, arn) => {
    // Act
    const parsed = parseResourceArn(arn);

    // Assess
    expect(parsed).toBeUndefined();
  });
});

describe('the engine and the local integrations show a resource as history records it', () => {
  it.each<[string, object]>([
    ['arn:aws:states:::aws-sdk:s3:putObject', { kind: 'service', resourceType: 'aws-sdk:s3', resource: 'putObject', pattern: 'request' }],
    ['arn:aws:states:::states:startExecution.sync:2', { kind: 'service', resourceType: 'states', resource: 'startExecution.sync:2', pattern: 'sync' }],
    ['arn:aws:states:::lambda:invoke.waitForTaskToken', { kind: 'service', resourceType: 'lambda', resource: 'invoke.waitForTaskToken', pattern: 'waitForTaskToken' }],
    ['arn:aws:lambda:us-east-1:123456789012:function:fn:live', { kind: 'lambda', resource: 'arn:aws:lambda:us-east-1:123456789012:function:fn:live' }],
  ])('flavorOfArn(%s)', (arn, expected) => {
    // Act
    const flavor = flavorOfArn(arn);

    // Assess
    expect(flavor).toEqual(expected);
  });

  it.each<string>([
    'arn:aws:states:::aws-sdk:s3:putObject',
    'arn:aws:states:::states:startExecution.sync:2',
    'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    'arn:aws-us-gov:states:::http:invoke',
  ])('the engine and local/ agree on %s', (arn) => {
    // Act
    const engine = flavorOfArn(arn);
    const local = parseResource(arn);

    // Assess
    expect(engine).toMatchObject({ resourceType: local?.resourceType, resource: local?.resource, pattern: local?.pattern });
  });

  it('the Lambda integration reads lambda:invoke callbacks in any partition', () => {
    // Act
    const flavor = lambdaTaskFlavor('arn:aws-cn:states:::lambda:invoke.waitForTaskToken');

    // Assess
    expect(flavor).toEqual({ kind: 'service', resourceType: 'lambda', resource: 'invoke.waitForTaskToken', pattern: 'waitForTaskToken' });
  });
});

describe('the validator accepts every resource form AWS accepts', () => {
  it.each<[string, string, ValidateOptions?]>([
    ['CDK LambdaInvoke after substitution', 'arn:aws:states:::lambda:invoke'],
    ['Lambda callback', 'arn:aws:states:::lambda:invoke.waitForTaskToken'],
    ['a GovCloud partition', 'arn:aws-us-gov:states:::lambda:invoke'],
    ['a China partition', 'arn:aws-cn:states:::sqs:sendMessage'],
    ['a Lambda function ARN', 'arn:aws:lambda:us-east-1:123456789012:function:fn'],
    ['a Lambda version', 'arn:aws:lambda:us-east-1:123456789012:function:fn:12'],
    ['a Lambda alias', 'arn:aws:lambda:us-east-1:123456789012:function:fn:prod'],
    ['an activity', 'arn:aws:states:us-east-1:123456789012:activity:approve'],
    ['nested workflow, .sync', 'arn:aws:states:::states:startExecution.sync'],
    ['nested workflow, .sync:2', 'arn:aws:states:::states:startExecution.sync:2'],
    ['nested workflow, callback', 'arn:aws:states:::states:startExecution.waitForTaskToken'],
    ['nested workflow, request-response', 'arn:aws:states:::states:startExecution'],
    ['the HTTP task', 'arn:aws:states:::http:invoke'],
    ['an SDK call to any service', 'arn:aws:states:::aws-sdk:bedrockagentruntime:invokeAgent'],
    ['an SDK call with a callback', 'arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken'],
    ['DynamoDB putItem', 'arn:aws:states:::dynamodb:putItem'],
    ['SNS callback', 'arn:aws:states:::sns:publish.waitForTaskToken'],
    ['EventBridge', 'arn:aws:states:::events:putEvents'],
    ['API Gateway', 'arn:aws:states:::apigateway:invoke'],
    ['ECS .sync', 'arn:aws:states:::ecs:runTask.sync'],
    ['ECS callback', 'arn:aws:states:::ecs:runTask.waitForTaskToken'],
    ['Batch .sync', 'arn:aws:states:::batch:submitJob.sync'],
    ['Glue .sync', 'arn:aws:states:::glue:startJobRun.sync'],
    ['Glue DataBrew .sync', 'arn:aws:states:::databrew:startJobRun.sync'],
    ['Athena .sync', 'arn:aws:states:::athena:startQueryExecution.sync'],
    ['CodeBuild .sync', 'arn:aws:states:::codebuild:startBuild.sync'],
    ['SageMaker .sync', 'arn:aws:states:::sagemaker:createTrainingJob.sync'],
    ['EMR .sync', 'arn:aws:states:::elasticmapreduce:createCluster.sync'],
    ['EMR on EKS .sync', 'arn:aws:states:::emr-containers:startJobRun.sync'],
    ['EMR Serverless .sync', 'arn:aws:states:::emr-serverless:startJobRun.sync'],
    ['EKS runJob .sync', 'arn:aws:states:::eks:runJob.sync'],
    ['EKS call', 'arn:aws:states:::eks:call'],
    ['Bedrock', 'arn:aws:states:::bedrock:invokeModel'],
    ['MediaConvert .sync', 'arn:aws:states:::mediaconvert:createJob.sync'],
    ['an EXPRESS request-response SDK call', 'arn:aws:states:::aws-sdk:s3:getObject', { type: 'EXPRESS' }],
  ])('accepts %s: %s', (_name, resource, options = {}) => {
    // Act
    const problems = definitionProblems(task(resource), options);

    // Assess
    expect(problems).toEqual([]);
  });
});

describe('the validator refuses what AWS refuses, in AWS words', () => {
  const notRecognized = (r: string): string => `The resource provided ${r} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`;

  it.each<[string, string, string, ValidateOptions?]>([
    ['an action the optimized integration lacks', 'arn:aws:states:::dynamodb:query', notRecognized('arn:aws:states:::dynamodb:query')],
    ['.sync on an SDK call', 'arn:aws:states:::aws-sdk:s3:putObject.sync', notRecognized('arn:aws:states:::aws-sdk:s3:putObject.sync')],
    ['.sync:2 outside startExecution', 'arn:aws:states:::glue:startJobRun.sync:2', notRecognized('arn:aws:states:::glue:startJobRun.sync:2')],
    ['a callback DynamoDB has not', 'arn:aws:states:::dynamodb:getItem.waitForTaskToken', notRecognized('arn:aws:states:::dynamodb:getItem.waitForTaskToken')],
    ['an unknown service', 'arn:aws:states:::s3:putObject', notRecognized('arn:aws:states:::s3:putObject')],
    ['a bare function name', 'my-function', notRecognized('my-function')],
    ['.sync in an EXPRESS machine', 'arn:aws:states:::states:startExecution.sync:2', "Express state machine does not support '.sync' service integration", { type: 'EXPRESS' }],
    ['a callback in an EXPRESS machine', 'arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken', "Express state machine does not support '.waitForTaskToken' service integration ", { type: 'EXPRESS' }],
    ['an activity in an EXPRESS machine', 'arn:aws:states:us-east-1:123456789012:activity:a', 'Express state machine does not support Activities', { type: 'EXPRESS' }],
  ])('refuses %s: %s', (_name, resource, message, options = {}) => {
    // Act
    const problems = definitionProblems(task(resource), options);

    // Assess
    expect(problems).toEqual([expect.objectContaining({ message, location: '/States/A/Resource' })]);
  });
});
