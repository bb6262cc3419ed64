/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (isolatedModules in tsconfig): the type-check runs once in `npm run lint`.
  // ES-module-only dependencies are turned into CommonJS as they load.
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    '/node_modules/jose/.+\\.js$': '<rootDir>/__tests__/support/esm-to-cjs.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testTimeout: 60000,
};
