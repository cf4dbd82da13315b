/**
 * AWS SDK v3 clients pointed at the local services: the same clients an application uses against
 * AWS, with only the endpoint (and path-style S3 addressing, since `bucket.127.0.0.1` does not
 * resolve) changed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Any credentials do: the local services never check them. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'longhaul', secretAccessKey: 'longhaul' } as const;

/** The client options that point an AWS SDK v3 client at a local endpoint. */
export function localClientConfig(endpoint: string, region: string): { endpoint: string; region: string; credentials: typeof LOCAL_CREDENTIALS } {
  return { endpoint, region, credentials: LOCAL_CREDENTIALS };
}

/**
 * S3, SQS and SNS clients for one endpoint (and DynamoDB's, on its own endpoint when given), made
 * once per region and reused.
 *
 * @example
 * const clients = new LocalClients(services.endpoint);
 * await clients.s3('us-east-1').send(new ListBucketsCommand({}));
 * clients.destroy();
 */
export class LocalClients {
  readonly endpoint: string;
  /** the local DynamoDB's endpoint (dynalite listens apart from fauxqs) */
  readonly dynamodbEndpoint: string;
  private readonly made = new Map<string, S3Client | SQSClient | SNSClient | DynamoDBClient>();

  constructor(endpoint: string, endpoints: { dynamodb?: string } = {}) {
    this.endpoint = endpoint;
    this.dynamodbEndpoint = endpoints.dynamodb ?? endpoint;
  }

  s3(region: string): S3Client {
    return this.client(`s3:${region}`, () => new S3Client({ ...localClientConfig(this.endpoint, region), forcePathStyle: true }));
  }

  sqs(region: string): SQSClient {
    return this.client(`sqs:${region}`, () => new SQSClient(localClientConfig(this.endpoint, region)));
  }

  sns(region: string): SNSClient {
    return this.client(`sns:${region}`, () => new SNSClient(localClientConfig(this.endpoint, region)));
  }

  dynamodb(region: string): DynamoDBClient {
    return this.client(`dynamodb:${region}`, () => new DynamoDBClient(localClientConfig(this.dynamodbEndpoint, region)));
  }

  /** Closes every client's connections. */
  destroy(): void {
    for (const c of this.made.values()) c.destroy();
    this.made.clear();
  }

  private client<C extends S3Client | SQSClient | SNSClient | DynamoDBClient>(key: string, make: () => C): C {
    let c = this.made.get(key) as C | undefined;
    if (!c) {
      c = make();
      this.made.set(key, c);
    }
    return c;
  }
}
