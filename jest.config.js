import { readdirSync } from 'node:fs';

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
  // state machine coverage of the project's workflows (asl/) the tests ran: coverage/longhaul/, see README, Coverage;
  // the whole-stack tests' own throwaway machines are collected too, and left out here
  reporters: ['default', ['<rootDir>/cli/coverage-reporter.ts', { include: readdirSync(new URL('./asl/', import.meta.url)).map((f) => f.replace(/\.asl\.json$/, '')) }]],
};
