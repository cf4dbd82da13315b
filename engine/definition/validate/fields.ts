/**
 * Which fields each state type accepts, per query language.
 *
 * A field outside a state type's lists is "not supported" there; a field of the other query
 * language earns AWS's QueryLanguage diagnostic instead (e.g. `Output` on a JSONPath state,
 * `Parameters` on a JSONata state).
 */
import type { StateType } from '../types.ts';

export const STATE_TYPES = ['Task', 'Wait', 'Pass', 'Succeed', 'Fail', 'Choice', 'Parallel', 'Map'] as const satisfies readonly StateType[];

export const Language = { JSONPath: 'JSONPath', JSONata: 'JSONata' } as const;
export type Language = (typeof Language)[keyof typeof Language];

export interface FieldSet {
  /** accepted whatever the query language */
  both: readonly string[];
  jsonPath: readonly string[];
  jsonata: readonly string[];
}

export const COMMON_FIELDS = ['Type', 'Comment', 'QueryLanguage'] as const;

export const STATE_FIELDS: { [K in StateType]: FieldSet } = {
  Pass: {
    both: ['Next', 'End', 'Assign'],
    jsonPath: ['InputPath', 'OutputPath', 'Parameters', 'ResultPath', 'Result'],
    jsonata: ['Output'],
  },
  Task: {
    both: ['Next', 'End', 'Assign', 'Resource', 'Retry', 'Catch', 'TimeoutSeconds', 'HeartbeatSeconds', 'Credentials'],
    jsonPath: ['InputPath', 'OutputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath'],
    jsonata: ['Output', 'Arguments'],
  },
  Choice: {
    both: ['Choices', 'Default', 'Assign'],
    jsonPath: ['InputPath', 'OutputPath'],
    jsonata: ['Output'],
  },
  Wait: {
    both: ['Next', 'End', 'Assign', 'Seconds', 'Timestamp'],
    jsonPath: ['InputPath', 'OutputPath', 'SecondsPath', 'TimestampPath'],
    jsonata: ['Output'],
  },
  Succeed: {
    both: [],
    jsonPath: ['InputPath', 'OutputPath'],
    jsonata: ['Output'],
  },
  Fail: {
    both: ['Error', 'Cause'],
    jsonPath: ['ErrorPath', 'CausePath'],
    jsonata: [],
  },
  Parallel: {
    both: ['Next', 'End', 'Assign', 'Branches', 'Retry', 'Catch'],
    jsonPath: ['InputPath', 'OutputPath', 'Parameters', 'ResultSelector', 'ResultPath'],
    jsonata: ['Output', 'Arguments'],
  },
  Map: {
    both: [
      'Next', 'End', 'Assign', 'ItemProcessor', 'Iterator', 'ItemSelector', 'ItemReader', 'ItemBatcher', 'ResultWriter',
      'MaxConcurrency', 'ToleratedFailureCount', 'ToleratedFailurePercentage', 'Label', 'Retry', 'Catch',
    ],
    jsonPath: [
      'InputPath', 'OutputPath', 'ItemsPath', 'Parameters', 'ResultSelector', 'ResultPath', 'MaxConcurrencyPath',
      'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath',
    ],
    jsonata: ['Output', 'Items'],
  },
};

/** Catch entries follow the same language split as states. */
export const CATCHER_FIELDS: FieldSet = { both: ['ErrorEquals', 'Next', 'Assign', 'Comment'], jsonPath: ['ResultPath'], jsonata: ['Output'] };

export const RETRIER_FIELDS = ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'] as const;

export const ITEM_READER_FIELDS: FieldSet = { both: ['Resource', 'ReaderConfig'], jsonPath: ['Parameters'], jsonata: ['Arguments'] };
export const RESULT_WRITER_FIELDS: FieldSet = { both: ['Resource', 'WriterConfig'], jsonPath: ['Parameters'], jsonata: ['Arguments'] };
export const ITEM_BATCHER_FIELDS: FieldSet = {
  both: ['MaxItemsPerBatch', 'MaxInputBytesPerBatch', 'BatchInput'],
  jsonPath: ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath'],
  jsonata: [],
};

/** Choice rule comparison operators and the JSON kind of their operand. */
export const COMPARISON_OPERATORS: Record<string, 'string' | 'number' | 'boolean' | 'timestamp' | 'path'> = {
  StringEquals: 'string',
  StringEqualsPath: 'path',
  StringLessThan: 'string',
  StringLessThanPath: 'path',
  StringGreaterThan: 'string',
  StringGreaterThanPath: 'path',
  StringLessThanEquals: 'string',
  StringLessThanEqualsPath: 'path',
  StringGreaterThanEquals: 'string',
  StringGreaterThanEqualsPath: 'path',
  StringMatches: 'string',
  NumericEquals: 'number',
  NumericEqualsPath: 'path',
  NumericLessThan: 'number',
  NumericLessThanPath: 'path',
  NumericGreaterThan: 'number',
  NumericGreaterThanPath: 'path',
  NumericLessThanEquals: 'number',
  NumericLessThanEqualsPath: 'path',
  NumericGreaterThanEquals: 'number',
  NumericGreaterThanEqualsPath: 'path',
  BooleanEquals: 'boolean',
  BooleanEqualsPath: 'path',
  TimestampEquals: 'timestamp',
  TimestampEqualsPath: 'path',
  TimestampLessThan: 'timestamp',
  TimestampLessThanPath: 'path',
  TimestampGreaterThan: 'timestamp',
  TimestampGreaterThanPath: 'path',
  TimestampLessThanEquals: 'timestamp',
  TimestampLessThanEqualsPath: 'path',
  TimestampGreaterThanEquals: 'timestamp',
  TimestampGreaterThanEqualsPath: 'path',
  IsNull: 'boolean',
  IsPresent: 'boolean',
  IsNumeric: 'boolean',
  IsString: 'boolean',
  IsBoolean: 'boolean',
  IsTimestamp: 'boolean',
};

export const BOOLEAN_OPERATORS = ['And', 'Or', 'Not'] as const;
