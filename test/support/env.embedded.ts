import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseTestEnv, uniqueSuffix } from './test-env';

// Runs before each spec file of the e2e-embedded project: a fresh sql.js file per spec.
baseTestEnv();
delete process.env.DATABASE_URL;
process.env.TEST_DATABASE_KIND = 'embedded';
process.env.EMBEDDED_DATABASE_FILE = join(tmpdir(), `party-test-${uniqueSuffix()}.sqlite`);
