import type { ColumnType, ValueTransformer } from 'typeorm';

/**
 * `data` may hold 64 KiB (65,536 bytes). MySQL's TEXT stops one byte short, so it is MEDIUMTEXT
 * there; sql.js knows only TEXT (which has no limit). The entity is loaded in a process that talks to
 * one kind of database, chosen by DATABASE_URL, so the type is chosen the same way.
 */
export const LONG_TEXT: ColumnType = process.env.DATABASE_URL?.trim() ? 'mediumtext' : 'text';

/**
 * JSON in a LONG_TEXT column. `variables` may hold 50 values of 1,024 characters, up to about 160 KB
 * of UTF-8 JSON, which TypeORM's simple-json (TEXT on MySQL) cannot.
 */
export const JSON_TEXT: ValueTransformer = {
  to: (value: unknown) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (text: string | null) => (text == null ? text : JSON.parse(text)),
};

/** Millisecond timestamps on MySQL (sql.js stores the same ISO text). */
export const TIMESTAMP = { type: 'datetime', precision: 3 } as const;
