import { createConnection, Connection } from 'mysql2/promise';
import { testDatabaseUrl } from './test-env';

/** A connection to the MySQL server of TEST_DATABASE_URL, for creating and dropping test databases. */
export async function adminConnection(): Promise<Connection> {
  const url = new URL(testDatabaseUrl());
  return createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    connectTimeout: 3000,
  });
}

export async function withAdmin<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await adminConnection();
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

export function databaseNameOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
}

/** A connection of its own to this spec's database (DATABASE_URL), e.g. to hold row locks as another process would. */
export async function specDatabaseConnection(): Promise<Connection> {
  const url = new URL(process.env.DATABASE_URL!);
  return createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database: databaseNameOf(url.toString()),
    connectTimeout: 3000,
  });
}
