import { DataSource } from 'typeorm';
import { TestApp } from './test-app';

/**
 * Every table a request could write to, each row serialized, for proving that a refused request wrote
 * nothing: players, sessions and bans as well as parties and memberships, and no event either.
 */
export const SNAPSHOT_TABLES = {
  player: 'id',
  session: 'id',
  party: 'id',
  membership: 'id',
  party_ban: 'party_id, player_id',
  party_event: 'party_id, version',
  party_search: 'party_id',
  party_gram: 'gram, party_id',
} as const;

export type TableName = keyof typeof SNAPSHOT_TABLES;

/** table → (row key → the row as JSON) */
export type FullSnapshot = Record<TableName, Map<string, string>>;

export async function snapshot(app: TestApp): Promise<FullSnapshot> {
  const dataSource = app.app.get(DataSource);
  const result = {} as FullSnapshot;
  for (const [table, order] of Object.entries(SNAPSHOT_TABLES) as [TableName, string][]) {
    const rows: Record<string, unknown>[] = await dataSource.query(`SELECT * FROM ${table} ORDER BY ${order}`);
    const keyColumns = order.split(', ');
    result[table] = new Map(rows.map((row) => [keyColumns.map((column) => String(row[column])).join(':'), JSON.stringify(row, jsonSafe)]));
  }
  return result;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') return `buffer:${JSON.stringify(value)}`;
  return value;
}

/** What changed between two snapshots (rows added, removed, changed, per table), or null when nothing did. */
export function snapshotDiff(before: FullSnapshot, after: FullSnapshot, maxLines = 8): string | null {
  const lines: string[] = [];
  for (const table of Object.keys(SNAPSHOT_TABLES) as TableName[]) {
    const a = before[table];
    const b = after[table];
    for (const [key, row] of b) {
      if (!a.has(key)) lines.push(`${table} +${key}: ${truncate(row)}`);
      else if (a.get(key) !== row) lines.push(`${table} ~${key}: ${truncate(a.get(key)!)} → ${truncate(row)}`);
    }
    for (const [key, row] of a) if (!b.has(key)) lines.push(`${table} -${key}: ${truncate(row)}`);
  }
  if (lines.length === 0) return null;
  return lines.slice(0, maxLines).join('\n') + (lines.length > maxLines ? `\n… ${lines.length - maxLines} more` : '');
}

/** Rows per table, to size things in messages. */
export function snapshotCounts(snapshot: FullSnapshot): Record<TableName, number> {
  return Object.fromEntries(Object.entries(snapshot).map(([table, rows]) => [table, rows.size])) as Record<TableName, number>;
}

/** The rows of one table, parsed back. */
export function rowsOf<T = Record<string, unknown>>(snapshot: FullSnapshot, table: TableName): T[] {
  return [...snapshot[table].values()].map((row) => JSON.parse(row) as T);
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}
