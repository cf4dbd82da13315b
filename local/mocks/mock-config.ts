/**
 * Mocked task responses in Step Functions Local's MockConfigFile format, so that teams moving off
 * Step Functions Local keep their mock files.
 *
 * ```json
 * {
 *   "StateMachines": {
 *     "LambdaSQSIntegration": {
 *       "TestCases": { "HappyPath": { "LambdaState": "MockedLambdaSuccess" } }
 *     }
 *   },
 *   "MockedResponses": {
 *     "MockedLambdaSuccess": { "0": { "Return": { "StatusCode": 200, "Payload": { "ok": true } } } },
 *     "MockedLambdaRetry": {
 *       "0-2": { "Throw": { "Error": "Lambda.ResourceNotReadyException", "Cause": "not ready" } },
 *       "3": { "Return": { "StatusCode": 200 } }
 *     }
 *   }
 * }
 * ```
 *
 * An execution started with `stateMachineArn` ending in `#HappyPath` runs with the responses of
 * that test case: the n-th invocation of a state (counting retries, from 0) gets the response
 * whose key is n or a range `a-b` holding n. States a test case does not name run for real.
 */
import { readFileSync } from 'node:fs';
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
import { TaskFailure, type TaskInterceptor, type TaskRequest } from '../../engine/runtime/integrations.ts';

export interface MockConfig {
  StateMachines: Record<string, { TestCases: Record<string, Record<string, string>> }>;
  MockedResponses: Record<string, Record<string, { Return?: JsonValue; Throw?: { Error?: string; Cause?: string } }>>;
}

/** A mock file that does not follow the format: what is wrong, and where. */
export class MockConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MockConfigError';
  }
}

export function loadMockConfig(path: string): MockConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new MockConfigError(`cannot read the mock config ${path}: ${(e as Error).message}`, { cause: e });
  }
  return checkMockConfig(raw);
}

/** Checks the shape and that every test case names responses that exist. */
export function checkMockConfig(raw: unknown): MockConfig {
  if (!isJsonObject(raw) || !isJsonObject(raw.StateMachines) || !isJsonObject(raw.MockedResponses)) {
    throw new MockConfigError('a mock config needs the objects "StateMachines" and "MockedResponses"');
  }
  const responses = raw.MockedResponses as JsonObject;
  for (const [name, byIndex] of Object.entries(responses)) {
    if (!isJsonObject(byIndex)) throw new MockConfigError(`MockedResponses.${name} must be an object`);
    for (const [key, answer] of Object.entries(byIndex)) {
      if (!/^\d+(-\d+)?$/.test(key)) throw new MockConfigError(`MockedResponses.${name}: "${key}" is not an invocation number or range like "0-2"`);
      if (!isJsonObject(answer) || (('Return' in answer) === ('Throw' in answer))) {
        throw new MockConfigError(`MockedResponses.${name}.${key} must hold exactly one of "Return" and "Throw"`);
      }
    }
  }
  for (const [machine, spec] of Object.entries(raw.StateMachines as JsonObject)) {
    if (!isJsonObject(spec) || !isJsonObject(spec.TestCases)) throw new MockConfigError(`StateMachines.${machine} needs "TestCases"`);
    for (const [testCase, states] of Object.entries(spec.TestCases)) {
      if (!isJsonObject(states)) throw new MockConfigError(`StateMachines.${machine}.TestCases.${testCase} must map state names to responses`);
      for (const [state, response] of Object.entries(states)) {
        if (typeof response !== 'string' || !(response in responses)) {
          throw new MockConfigError(`StateMachines.${machine}.TestCases.${testCase}.${state} names no MockedResponses entry`);
        }
      }
    }
  }
  return raw as unknown as MockConfig;
}

function answerFor(byIndex: MockConfig['MockedResponses'][string], n: number) {
  for (const [key, answer] of Object.entries(byIndex)) {
    const [from, to] = key.split('-').map(Number);
    if (n === from || (to !== undefined && n >= from && n <= to)) return answer;
  }
  return undefined;
}

/**
 * The interceptor to install with `engine.integrations.intercept(...)`.
 *
 * @example
 * engine.integrations.intercept(mockedResponses(loadMockConfig('MockConfigFile.json')));
 */
export function mockedResponses(config: MockConfig): TaskInterceptor {
  // invocations so far per execution and state; an engine restart starts counting again
  const counts = new Map<string, number>();
  return (req: TaskRequest) => {
    if (req.testCase === undefined || req.stateMachineName === undefined) return undefined;
    const responseName = config.StateMachines[req.stateMachineName]?.TestCases[req.testCase]?.[req.stateName];
    if (responseName === undefined) return undefined;
    const key = `${req.executionArn}\u0000${req.stateName}`;
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    const answer = answerFor(config.MockedResponses[responseName], n);
    if (!answer) {
      return Promise.reject(new TaskFailure('States.Runtime', `The mocked response ${responseName} has no answer for invocation ${n} of state ${req.stateName}`));
    }
    if (answer.Throw) return Promise.reject(new TaskFailure(answer.Throw.Error ?? 'States.TaskFailed', answer.Throw.Cause));
    return Promise.resolve(structuredClone(answer.Return ?? null));
  };
}
