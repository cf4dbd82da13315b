/**
 * `longhaul/testing`: test state machines against an engine in the test process, on a virtual
 * clock, through the real `SFNClient`. The Jest matchers are in `longhaul/testing/jest`.
 */
export { createTestEnvironment, DEFAULT_START_MS } from './environment.ts';
export type { MockConfig, PendingToken, StartOptions, StateMachineSource, TestEnvironment, TestEnvironmentOptions } from './environment.ts';
export { caughtErrors, detailsOf, retriesOf, statesVisited } from './execution.ts';
export type { CaughtError, Execution, ExecutionStatus, HistoryEvent } from './execution.ts';
export type { FunctionSource, LambdaContext, LambdaHandler } from './functions.ts';
