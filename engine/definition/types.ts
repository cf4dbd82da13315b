/**
 * The Amazon States Language as the interpreter reads it. Definitions are validated before they
 * get here (definition/validate.ts), so these types describe a valid definition; fields keep
 * their ASL names so that a reader can match them with the spec.
 */
import type { JsonObject, JsonValue } from '../json.ts';

export const QueryLanguage = { JSONPath: 'JSONPath', JSONata: 'JSONata' } as const;
export type QueryLanguage = (typeof QueryLanguage)[keyof typeof QueryLanguage];

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
  Comment?: string;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: JsonValue;
  Assign?: JsonObject;
  Comment?: string;
}

interface StateBase {
  Comment?: string;
  QueryLanguage?: QueryLanguage;
  Next?: string;
  End?: boolean;
  InputPath?: string | null;
  OutputPath?: string | null;
  Output?: JsonValue;
  Assign?: JsonObject;
}

export interface PassState extends StateBase {
  Type: 'Pass';
  Result?: JsonValue;
  ResultPath?: string | null;
  Parameters?: JsonValue;
}

export interface TaskState extends StateBase {
  Type: 'Task';
  Resource: string;
  Parameters?: JsonValue;
  Arguments?: JsonValue;
  ResultSelector?: JsonValue;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
  TimeoutSeconds?: number | string;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | string;
  HeartbeatSecondsPath?: string;
  Credentials?: JsonValue;
}

export interface ChoiceRule extends JsonObject {}

export interface ChoiceState extends StateBase {
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default?: string;
}

export interface WaitState extends StateBase {
  Type: 'Wait';
  Seconds?: number | string;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
}

export interface SucceedState extends StateBase {
  Type: 'Succeed';
}

export interface FailState extends StateBase {
  Type: 'Fail';
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

export interface Branch {
  StartAt: string;
  States: Record<string, State>;
  QueryLanguage?: QueryLanguage;
  ProcessorConfig?: { Mode?: 'INLINE' | 'DISTRIBUTED'; ExecutionType?: 'STANDARD' | 'EXPRESS' };
}

export interface ParallelState extends StateBase {
  Type: 'Parallel';
  Branches: Branch[];
  Parameters?: JsonValue;
  Arguments?: JsonValue;
  ResultSelector?: JsonValue;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface MapState extends StateBase {
  Type: 'Map';
  ItemProcessor?: Branch;
  /** the pre-2023 name of ItemProcessor */
  Iterator?: Branch;
  ItemsPath?: string;
  Items?: JsonValue;
  ItemSelector?: JsonValue;
  /** the pre-2023 name of ItemSelector */
  Parameters?: JsonValue;
  ItemBatcher?: JsonObject;
  ItemReader?: JsonObject;
  ResultWriter?: JsonObject;
  MaxConcurrency?: number | string;
  MaxConcurrencyPath?: string;
  ToleratedFailureCount?: number | string;
  ToleratedFailureCountPath?: string;
  ToleratedFailurePercentage?: number | string;
  ToleratedFailurePercentagePath?: string;
  Label?: string;
  ResultSelector?: JsonValue;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export type State = PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState;
export type StateType = State['Type'];

export interface StateMachineDefinition extends Branch {
  Comment?: string;
  Version?: string;
  TimeoutSeconds?: number;
}

export function mapProcessor(state: MapState): Branch {
  return (state.ItemProcessor ?? state.Iterator)!;
}

export function isDistributedMap(state: MapState): boolean {
  return mapProcessor(state).ProcessorConfig?.Mode === 'DISTRIBUTED';
}
