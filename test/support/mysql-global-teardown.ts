import { withAdmin } from './mysql-admin';
import { TEST_DATABASE_PREFIX } from './test-env';

/** Drops any test database this process's specs left behind (a spec that crashed before its afterAll). */
export default async function mysqlGlobalTeardown(): Promise<void> {
  if (process.env.TEST_MYSQL_UNAVAILABLE === '1') return;
  await withAdmin(async (connection) => {
    const [rows] = await connection.query('SHOW DATABASES LIKE ?', [`${TEST_DATABASE_PREFIX}${process.pid}\\_%`]);
    for (const row of rows as Record<string, string>[]) await connection.query(`DROP DATABASE \`${Object.values(row)[0]}\``);
  });
}
