import { withAdmin } from './mysql-admin';
import { testDatabaseUrl } from './test-env';

/**
 * The MySQL suites need a server. In CI (CI=true) an unreachable server fails the run; elsewhere the
 * suites are skipped with a warning, so `npm test` still works on a machine without MySQL.
 */
export default async function mysqlGlobalSetup(): Promise<void> {
  try {
    await withAdmin((connection) => connection.query('SELECT 1'));
  } catch (error) {
    const why = `MySQL at ${testDatabaseUrl()} cannot be reached (${(error as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${why}; CI=true, so the MySQL suites cannot be skipped`);
    console.warn(`\n⚠️  ${why}: SKIPPING the MySQL suites. Set TEST_DATABASE_URL to run them.\n`);
    process.env.TEST_MYSQL_UNAVAILABLE = '1';
  }
}
