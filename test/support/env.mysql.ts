import { baseTestEnv, TEST_DATABASE_PREFIX, testDatabaseUrl, uniqueSuffix } from './test-env';

// Runs before each spec file of the e2e-mysql project: a fresh database per spec, created by startTestApp.
baseTestEnv();
const url = new URL(testDatabaseUrl());
url.pathname = `/${TEST_DATABASE_PREFIX}${uniqueSuffix()}`;
process.env.DATABASE_URL = url.toString();
process.env.TEST_DATABASE_KIND = 'mysql';
