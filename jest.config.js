/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (isolatedModules in tsconfig): the type-check runs once in `npm run lint`.
  // ES-module-only dependencies are turned into CommonJS as they load.
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    '/node_modules/(jose|@actions/(expressions|workflow-parser))/.+\\.js$': '<rootDir>/__tests__/support/esm-to-cjs.cjs',
  },
  // GitHub's workflow parser and expression engine export only `import` entry points.
  moduleNameMapper: {
    '^@actions/(expressions|workflow-parser)$': '<rootDir>/node_modules/@actions/$1/dist/index.js',
    '^@actions/(expressions|workflow-parser)/(.+)$': '<rootDir>/node_modules/@actions/$1/dist/$2.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@actions/expressions|@actions/workflow-parser|cronstrue)/)'],
  // Time limits come from __tests__/support/time-limits.ts (TEST_TIME_SCALE multiplies them).
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/jest-time-limits.ts'],
};
