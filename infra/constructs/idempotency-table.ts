/**
 * The DynamoDB table Powertools' idempotency layer keeps its records in (handlers/shared/
 * idempotency.ts): key `id`, TTL attribute `expiration`, on demand. One per stack, so a stack
 * deploys and is deleted on its own; a record is only worth its TTL, so the table goes with it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { IDEMPOTENCY_TABLE_ENV } from '../../handlers/shared/idempotency.ts';
import type { HandlerFunction } from './handler-function.ts';

/** What Powertools' DynamoDB persistence layer calls, and nothing else (no Scan, no Query). */
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/**
 * @example
 * const idempotency = new IdempotencyTable(this, 'Idempotency');
 * idempotency.use(notify); // IDEMPOTENCY_TABLE_NAME and the four item actions on this table
 */
export class IdempotencyTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** Hands the table to a handler that uses idempotencyMiddleware: its name by environment, its item actions by grant. */
  use(fn: HandlerFunction): void {
    fn.function.addEnvironment(IDEMPOTENCY_TABLE_ENV, this.table.tableName);
    fn.allow([...IDEMPOTENCY_ACTIONS], [this.table.tableArn]);
  }
}
