/** Jest runs the TypeScript sources through SWC; imports carry their real `.ts` suffix (Node 24 runs them as-is). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2024' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
  // state machine coverage of the workflows the tests ran (coverage/longhaul/; see README, Coverage)
  reporters: ['default', '<rootDir>/cli/coverage-reporter.ts'],
};
