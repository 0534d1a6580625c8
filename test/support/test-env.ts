import { randomBytes } from 'node:crypto';

/** The server key every test app starts with. */
export const TEST_SERVER_KEY = 'test-server-key-0123456789abcdef-0123456789';
export const DEFAULT_TEST_DATABASE_URL = 'mariadb://root@127.0.0.1:3306/test';
/** Every database a run creates starts with this, so teardown can find what a crashed spec left. */
export const TEST_DATABASE_PREFIX = 'party_test_';

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
}

export function uniqueSuffix(): string {
  return `${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function baseTestEnv(): void {
  process.env.NODE_ENV = 'test';
  process.env.SERVER_KEY = TEST_SERVER_KEY;
  // Specs fire thousands of requests as a handful of players; the rate-limit spec turns limits on itself.
  process.env.RATE_LIMIT_ENABLED = 'false';
  // Each spec file's processes share their own event channel: another spec's party 5 is not this one's.
  process.env.REDIS_EVENTS_CHANNEL = `party-test-events:${uniqueSuffix()}`;
  // Request lines and Nest's logs only when asked for (TEST_LOGS=1).
  if (!process.env.TEST_LOGS) process.env.LOG_LEVEL = 'silent';
}
