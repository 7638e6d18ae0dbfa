/** Unit specs sit beside the code; end-to-end specs in test/ start the built coordinator. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

module.exports = {
  // End-to-end suites start real processes; a unit spec never comes near this.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // A native addon loaded here breaks a later suite's copy in the same worker.
      moduleNameMapper: { '^better-sqlite3$': '<rootDir>/test/support/no-native-sqlite.js' },
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};
