import type { ColumnType, ValueTransformer } from 'typeorm';
import { PROCESS_DIALECT } from './dialect';

/** `data` may hold 64 KiB (65,536 bytes) of UTF-8; see Dialect.longText. */
export const LONG_TEXT: ColumnType = PROCESS_DIALECT.longText;

/**
 * JSON in a LONG_TEXT column. `variables` may hold 50 values of 1,024 characters, up to about 160 KB
 * of UTF-8 JSON, which TypeORM's simple-json (TEXT on MySQL) cannot.
 */
export const JSON_TEXT: ValueTransformer = {
  to: (value: unknown) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (text: string | null): unknown => (text == null ? text : JSON.parse(text)),
};

/** Millisecond timestamps on MySQL (sql.js stores the same ISO text). */
export const TIMESTAMP = { type: 'datetime', precision: 3 } as const;
