export default { testEnvironment: 'node', transform: {}, testMatch: ['<rootDir>/*.test.mjs'], testTimeout: 30000 };
