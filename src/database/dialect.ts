import type { DataSourceOptions } from 'typeorm';

/**
 * Every difference between the two databases the service runs on, decided here and nowhere else:
 * MySQL/MariaDB (mysql2) in production, and the embedded sql.js file used when DATABASE_URL is unset.
 */
export interface Dialect {
  /**
   * sql.js is one connection in one process: units of work must take turns, there are no row locks
   * (nor any need for them) and no named locks.
   */
  embedded: boolean;
  /** Appended to a SELECT that must lock its rows for the rest of the transaction. */
  forUpdate: string;
  /** Integer column type; SQLite autoincrements only an INTEGER primary key. */
  int: 'int' | 'integer';
  /**
   * Text of up to ~160 KB (64 KiB `data`, `variables` maps): MEDIUMTEXT on MySQL, where TEXT stops at
   * 64 KiB minus one byte; SQLite's TEXT has no limit.
   */
  longText: 'mediumtext' | 'text';
  /** The collation of text compared byte for byte (folded search text, its grams); SQLite compares text that way by default. */
  binaryCollation: 'utf8mb4_bin' | undefined;
  /** A timestamp as a parameter of hand-written SQL: a Date for mysql2 (UTC, `timezone: 'Z'`), ISO-8601 text for SQLite, which compares it as text. */
  timestamp(date: Date): Date | string;
}

const EMBEDDED: Dialect = {
  embedded: true,
  forUpdate: '',
  int: 'integer',
  longText: 'text',
  binaryCollation: undefined,
  timestamp: (date) => date.toISOString(),
};
const MYSQL: Dialect = {
  embedded: false,
  forUpdate: ' FOR UPDATE',
  int: 'int',
  longText: 'mediumtext',
  binaryCollation: 'utf8mb4_bin',
  timestamp: (date) => date,
};

/** The dialect of a connection (a DataSource's, an EntityManager's or a QueryRunner's `connection.options`). */
export function dialectOf(options: Pick<DataSourceOptions, 'type'>): Dialect {
  return options.type === 'sqljs' ? EMBEDDED : MYSQL;
}

/**
 * The dialect this process will talk to, from DATABASE_URL. Entities need it when they are imported
 * (column types are decorator arguments), before any connection exists; a process talks to one kind of
 * database, so this and dialectOf always agree.
 */
export const PROCESS_DIALECT: Dialect = process.env.DATABASE_URL?.trim() ? MYSQL : EMBEDDED;

// How each database reports what the service must tell apart (mysql2 errno/code, sql.js messages).

/** mysql2 / TypeORM failures that mean "the database cannot be reached now", answered 503 rather than 500. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'POOL_CLOSED',
  'DB_ACQUIRE_TIMEOUT',
  'DB_QUEUE_FULL',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown })?.driverError];
  return candidates.some((candidate) => {
    const code = (candidate as { code?: unknown })?.code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    const message = (candidate as { message?: unknown })?.message;
    return typeof message === 'string' && /Pool is closed|No connections available|Queue limit reached/i.test(message);
  });
}

/** Unavailable because no pooled connection could be had in time (rather than the server being away). */
export function isPoolExhausted(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'DB_ACQUIRE_TIMEOUT' || code === 'DB_QUEUE_FULL' || /Queue limit reached/i.test(String((error as Error)?.message));
}

/** Lock conflicts that a retried transaction resolves: deadlock and lock-wait timeout. */
export function isRetryableLockConflict(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number } })?.driverError ?? (error as { errno?: number });
  return driverError?.errno === 1213 || driverError?.errno === 1205;
}

export function isDuplicateKey(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number; code?: string } })?.driverError ?? (error as { errno?: number; code?: string });
  return driverError?.errno === 1062 || driverError?.code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/.test(String((error as Error)?.message));
}
