import Redis from 'ioredis';
import { withAdmin } from './mysql-admin';
import { testDatabaseUrl, testRedisUrl } from './test-env';

/**
 * The MySQL suites need a MySQL server, and the shared-rate-limit suite a Redis server. In CI
 * (CI=true) an unreachable server fails the run; elsewhere the suites are skipped with a warning, so
 * `npm test` still works on a machine without them.
 */
export default async function mysqlGlobalSetup(): Promise<void> {
  const mysql = await reachable(() => withAdmin((connection) => connection.query('SELECT 1')));
  const redis = await reachable(async () => {
    const client = new Redis(testRedisUrl(), { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
  const missing = [mysql && `MySQL at ${testDatabaseUrl()} (${mysql})`, redis && `Redis at ${testRedisUrl()} (${redis})`].filter(Boolean);
  if (missing.length === 0) return;
  const why = `cannot reach ${missing.join(' and ')}`;
  if (process.env.CI === 'true') throw new Error(`${why}; CI=true, so these suites cannot be skipped`);
  console.warn(`\n⚠️  ${why}: SKIPPING the suites that need it. Set TEST_DATABASE_URL / TEST_REDIS_URL to run them.\n`);
  if (mysql) process.env.TEST_MYSQL_UNAVAILABLE = '1';
  if (redis) process.env.TEST_REDIS_UNAVAILABLE = '1';
}

/** null when reachable, else why not. */
async function reachable(probe: () => Promise<unknown>): Promise<string | null> {
  try {
    await probe();
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  }
}
