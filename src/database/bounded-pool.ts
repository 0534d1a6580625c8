import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { watchPool } from '../observability/metrics';

interface MysqlPoolInternals {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

type GetConnection = (callback: (error: Error | null, connection?: { release(): void }) => void) => void;

/**
 * mysql2's pool bounds how many requests wait for a connection (queueLimit) but not for how long.
 * TypeORM takes every connection through `pool.getConnection`, so this wraps that one call: a request
 * that has no connection within `acquireTimeoutMs` fails with DB_ACQUIRE_TIMEOUT (answered 503), and a
 * connection that arrives after its requester gave up goes straight back to the pool.
 */
export function boundConnectionWaits(dataSource: DataSource, acquireTimeoutMs: number): void {
  const pool = (dataSource.driver as unknown as { pool?: { getConnection: GetConnection } }).pool;
  if (!pool) return;
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (callback) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      callback(Object.assign(new Error(`no database connection within ${acquireTimeoutMs} ms`), { code: 'DB_ACQUIRE_TIMEOUT' }));
    }, acquireTimeoutMs);
    getConnection((error, connection) => {
      clearTimeout(timer);
      if (!settled) callback(error, connection);
      else connection?.release();
    });
  };
}

/** Applies the acquire timeout to the MySQL pool once the data source is up. */
@Injectable()
export class PoolBounds implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // The embedded database is one in-process connection: no pool, nothing to bound.
    if (!('pool' in this.config.database)) return;
    boundConnectionWaits(this.dataSource, this.config.database.pool.acquireTimeoutMs);
    const pool = (this.dataSource.driver as unknown as { pool?: MysqlPoolInternals }).pool;
    if (pool) {
      // mysql2 keeps these counts only in its internal queues; reading them is the price of a pool gauge.
      watchPool(() => ({
        inUse: pool._allConnections.length - pool._freeConnections.length,
        idle: pool._freeConnections.length,
        waiting: pool._connectionQueue.length,
      }));
    }
  }
}
