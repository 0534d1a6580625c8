/**
 * Three projects: unit specs next to the code, and the same e2e specs run twice, once on the embedded
 * database and once on MySQL/MariaDB (TEST_DATABASE_URL), each spec file on a fresh database. Races,
 * several processes, load and faults run on MySQL only: on the embedded database units of work take
 * turns in one process, so a race there proves nothing.
 */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' } },
];
const common = { testEnvironment: 'node', transform: { '^.+\\.ts$': swc }, moduleFileExtensions: ['ts', 'js', 'json'] };
const e2eSpecs = ['<rootDir>/test/e2e/**/*.e2e-spec.ts'];

module.exports = {
  testTimeout: 180_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e-embedded', testMatch: e2eSpecs, setupFiles: ['<rootDir>/test/support/env.embedded.ts'] },
    {
      ...common,
      displayName: 'e2e-mysql',
      testMatch: [
        ...e2eSpecs,
        '<rootDir>/test/races/**/*.race-spec.ts',
        '<rootDir>/test/multiprocess/**/*.mp-spec.ts',
        '<rootDir>/test/load/**/*.load-spec.ts',
        '<rootDir>/test/faults/**/*.fault-spec.ts',
      ],
      setupFiles: ['<rootDir>/test/support/env.mysql.ts'],
      globalSetup: '<rootDir>/test/support/mysql-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/mysql-global-teardown.ts',
    },
  ],
};
