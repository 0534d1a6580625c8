import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { Membership } from '../party/entities/membership.entity';
import { PartyBan } from '../party/entities/party-ban.entity';
import { Party } from '../party/entities/party.entity';
import { Player } from '../players/entities/player.entity';
import { Session } from '../players/entities/session.entity';
import { IdempotencyRecord } from '../idempotency/idempotency-record.entity';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [Player, Session, Party, Membership, PartyBan, IdempotencyRecord];

/** The one place that turns configuration into TypeORM options; the app and the CLI (ormconfig.ts) both use it. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false } as const;
  if (database.kind === 'embedded') {
    mkdirSync(dirname(database.file), { recursive: true });
    return { ...common, type: 'sqljs', location: database.file, autoSave: true };
  }
  return {
    ...common,
    type: database.kind,
    host: database.host,
    port: database.port,
    username: database.username,
    password: database.password,
    database: database.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    poolSize: database.pool.size,
    // mysql2 gives each statement this timeout; a frozen server then fails fast (503) instead of hanging.
    enableQueryTimeout: true,
    maxQueryExecutionTime: database.pool.queryTimeoutMs,
    extra: {
      connectionLimit: database.pool.size,
      waitForConnections: true,
      queueLimit: database.pool.queueLimit,
      connectTimeout: database.pool.acquireTimeoutMs,
      enableKeepAlive: true,
      // mysql2 would capture a stack trace on every query for its error messages (3% of a GET's CPU);
      // errors are still thrown, and logged with the request id that says which request failed.
      trace: false,
    },
  };
}
