// state machine coverage from the package: the environments collect (coverage: true), the reporter writes coverage/longhaul/
export default {
  testEnvironment: 'node', transform: {}, testMatch: ['<rootDir>/*.test.mjs'], testTimeout: 30000,
  reporters: ['default', ['longhaul/testing/coverage-reporter', { include: ['etl', 'hourly'] }]],
};
