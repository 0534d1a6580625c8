import { afterAll, beforeAll } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { databaseNameOf, withAdmin } from './mysql-admin';
import { Api } from './api';
import { TEST_SERVER_KEY } from './test-env';

export const onMysql = () => process.env.TEST_DATABASE_KIND === 'mysql';

/** `describe` for suites that need the database this project runs on; skipped when MySQL was found unreachable outside CI. */
export const describeApi: jest.Describe = process.env.TEST_MYSQL_UNAVAILABLE === '1' && onMysql() ? describe.skip : describe;

/** `describe` for suites that also need Redis (only in the MySQL project, whose global setup probes it). */
export const describeWithRedis: jest.Describe = process.env.TEST_REDIS_UNAVAILABLE === '1' ? describe.skip : describeApi;

export interface TestApp {
  app: INestApplication;
  url: string;
  serverKey: string;
  close(): Promise<void>;
}

/** Prepares this spec's fresh database (created here, dropped by dropTestDatabase). */
export async function createTestDatabase(): Promise<void> {
  if (!onMysql()) return;
  const name = databaseNameOf(process.env.DATABASE_URL!);
  await withAdmin((connection) => connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
}

export async function dropTestDatabase(): Promise<void> {
  if (onMysql()) {
    const name = databaseNameOf(process.env.DATABASE_URL!);
    await withAdmin((connection) => connection.query(`DROP DATABASE IF EXISTS \`${name}\``));
  } else {
    rmSync(process.env.EMBEDDED_DATABASE_FILE!, { force: true });
  }
}

/**
 * Starts the real application, as main.ts builds it, on this spec's database and an ephemeral port.
 * `env` overrides environment variables for this app only (e.g. AUTH_GUEST_ENABLED=false).
 */
export async function startTestApp(env: Record<string, string | undefined> = {}, host = '127.0.0.1'): Promise<TestApp> {
  await createTestDatabase();
  const config = loadConfig({ ...process.env, ...env });
  const app = await createApp(config, { logger: process.env.TEST_LOGS ? undefined : false });
  await app.listen(0, host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    url: `http://${host}:${port}`,
    serverKey: config.serverKey.key ?? TEST_SERVER_KEY,
    close: () => app.close(),
  };
}

export interface TestContext {
  app: TestApp;
  /** Client for the app's HTTP API. */
  api: Api;
  /** The app's own data source, for checking what SQL says. */
  db: DataSource;
}

/**
 * Starts the app on this spec's fresh database before the suite, and stops it and drops the database
 * after. The returned object is filled in by then: use it inside tests.
 */
export function useTestApp(env: Record<string, string | undefined> = {}): TestContext {
  const context = {} as TestContext;
  beforeAll(async () => {
    context.app = await startTestApp(env);
    context.api = new Api(context.app.url, context.app.serverKey);
    context.db = context.app.app.get(DataSource);
  });
  afterAll(async () => {
    await context.app?.close();
    await dropTestDatabase();
  });
  return context;
}
