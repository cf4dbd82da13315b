/** TypeScript through SWC; imports carry their real `.ts` suffix, as Node 24 runs them. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2024' }, module: { type: 'es6' } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // state machine coverage (coverage/longhaul/: summary.txt, index.html, lcov.info); add `threshold: 80` to enforce it
  reporters: ['default', ['longhaul/testing/coverage-reporter', { include: ['example-job'] }]],
};
