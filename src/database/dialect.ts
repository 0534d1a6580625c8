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
}

const EMBEDDED: Dialect = { embedded: true, forUpdate: '', int: 'integer', longText: 'text' };
const MYSQL: Dialect = { embedded: false, forUpdate: ' FOR UPDATE', int: 'int', longText: 'mediumtext' };

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
