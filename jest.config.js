/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type-checking happens once in `npm test` (tsc --noEmit); isolatedModules keeps each file's transform fast.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // jose 6, openid-client 6 and oauth4webapi ship ESM only; Jest's CommonJS runtime needs them transpiled.
    '^.+\\.js$': ['ts-jest', { tsconfig: 'tsconfig.jest-esm.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  snapshotFormat: { printBasicPrototype: false },
  testTimeout: 120000,
};
