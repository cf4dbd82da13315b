/**
 * The names Step Functions gives: error names after the AWS SDK for Java 2's exception classes,
 * result members in its spelling, Task resources split as history shows them.
 */
import { describe, it, expect } from '@jest/globals';
import { javaExceptionName } from '../../../../local/integrations/errors.ts';
import { parseResource, sfnMemberName } from '../../../../local/integrations/common.ts';

describe('javaExceptionName', () => {
  it.each([
    ['NoSuchKey', 'NoSuchKeyException'],
    ['QueueDoesNotExist', 'QueueDoesNotExistException'],
    ['NotFoundException', 'NotFoundException'],
    ['DBInstanceNotFoundFault', 'DbInstanceNotFoundException'],
    ['KMSInvalidStateException', 'KmsInvalidStateException'],
    ['AWSOrganizationsNotInUseException', 'AwsOrganizationsNotInUseException'],
    ['InvalidARN', 'InvalidArnException'],
    ['S3Exception', 'S3Exception'],
  ])('names the shape %s %s', (shape, name) => {
    expect(javaExceptionName(shape)).toBe(name);
  });
});

describe('sfnMemberName', () => {
  it.each([
    ['MD5OfMessageBody', 'Md5OfMessageBody'],
    ['ETag', 'ETag'],
    ['SSEKMSKeyId', 'SsekmsKeyId'],
    ['ContentLength', 'ContentLength'],
    ['VersionId', 'VersionId'],
  ])('spells %s as %s', (member, spelled) => {
    expect(sfnMemberName(member)).toBe(spelled);
  });
});

describe('parseResource', () => {
  it.each([
    ['arn:aws:states:::aws-sdk:s3:getObject', { resourceType: 'aws-sdk:s3', resource: 'getObject', action: 'getObject', pattern: 'request', syncVersion: 0 }],
    ['arn:aws:states:::sqs:sendMessage.waitForTaskToken', { resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', action: 'sendMessage', pattern: 'waitForTaskToken', syncVersion: 0 }],
    ['arn:aws:states:::states:startExecution.sync', { resourceType: 'states', resource: 'startExecution.sync', action: 'startExecution', pattern: 'sync', syncVersion: 1 }],
    ['arn:aws:states:::states:startExecution.sync:2', { resourceType: 'states', resource: 'startExecution.sync:2', action: 'startExecution', pattern: 'sync', syncVersion: 2 }],
    ['arn:aws:lambda:us-east-1:123456789012:function:f', undefined],
  ])('splits %s', (arn, expected) => {
    expect(parseResource(arn)).toEqual(expected);
  });
});
