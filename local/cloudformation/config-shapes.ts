/**
 * The `StackConfig` keys a CloudFormation app maps onto, beside those local/stack.ts runs today.
 * The local runtime of the new kinds (queue options, topics and subscriptions, event source
 * mappings, schedules, HTTP APIs, secrets, reserved concurrency) is written on its own branch
 * against these same shapes; until it is merged, startLocalStack leaves them unused.
 */
import type { JsonValue } from '../../engine/json.ts';
import type { FunctionConfig } from '../lambda/config.ts';
import type { StackConfig } from '../stack.ts';

export interface QueueConfig {
  name: string;
  fifo?: boolean;
  visibilityTimeoutSeconds?: number;
  deadLetter?: { queue: string; maxReceiveCount: number };
}

export interface SubscriptionConfig {
  topic: string;
  protocol: 'sqs' | 'lambda';
  /** a queue name or a function name */
  endpoint: string;
  rawMessageDelivery?: boolean;
  filterPolicy?: JsonValue;
}

export interface EventSourceMappingConfig {
  queue: string;
  function: string;
  batchSize?: number;
  maximumBatchingWindowSeconds?: number;
  enabled?: boolean;
  reportBatchItemFailures?: boolean;
}

export interface ScheduleConfig {
  name: string;
  /** rate(...), cron(...), at(...) */
  expression: string;
  timezone?: string;
  state?: 'ENABLED' | 'DISABLED';
  stateMachine?: string;
  function?: string;
  input?: JsonValue;
}

export interface HttpApiConfig {
  name: string;
  routes: { route: string; function: string }[];
}

export interface SecretConfig {
  name: string;
  description?: string;
}

export type CloudFunctionConfig = FunctionConfig & { reservedConcurrency?: number };

/** A `StackConfig` with the keys the CloudFormation mapper produces. */
export type CloudStackConfig = Omit<StackConfig, 'queues' | 'functions'> & {
  functions?: Record<string, CloudFunctionConfig>;
  queues?: (string | QueueConfig)[];
  topics?: string[];
  subscriptions?: SubscriptionConfig[];
  eventSourceMappings?: EventSourceMappingConfig[];
  schedules?: ScheduleConfig[];
  httpApis?: HttpApiConfig[];
  secrets?: SecretConfig[];
};
