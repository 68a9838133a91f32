/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type-checking happens once in `npm test` (tsc --noEmit); per-file isolatedModules keeps jest fast.
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true }],
  },
  snapshotFormat: { printBasicPrototype: false },
  testTimeout: 120000,
};
