// Type-checked against the package's declarations: the exports resolve to typed entry points.
import { Engine } from 'longhaul';
import { createTestEnvironment, type Execution, type TestEnvironment } from 'longhaul/testing';
import { matchers, type ExecutionMatchers } from 'longhaul/testing/jest';
import { startLocalStack } from 'longhaul/local';

export async function use(): Promise<Execution> {
  const env: TestEnvironment = await createTestEnvironment({ functions: { notify: './notify.mjs' }, startTime: new Date('2025-01-01') });
  const engine: Engine = env.engine;
  const asserts: ExecutionMatchers<void> | undefined = undefined;
  void [engine, asserts, matchers.toHaveVisited, startLocalStack];
  return env.startAndWait('hourly', { n: 1 });
}
