/**
 * Uses the AWS SDK as deployed code does: a client built with no endpoint, region or credentials.
 * Under the local runtime it reaches the local endpoint through AWS_ENDPOINT_URL_SQS.
 */
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';

const sqs = new SQSClient({});

export const handler = async () => {
  const out = await sqs.send(new ListQueuesCommand({}));
  return { queueUrls: out.QueueUrls ?? [] };
};
