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

/** Lock conflicts that a retried transaction resolves: deadlock and lock-wait timeout. */
export function isRetryableLockConflict(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number } })?.driverError ?? (error as { errno?: number });
  return driverError?.errno === 1213 || driverError?.errno === 1205;
}

export function isDuplicateKey(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number; code?: string } })?.driverError ?? (error as { errno?: number; code?: string });
  return driverError?.errno === 1062 || driverError?.code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/.test(String((error as Error)?.message));
}
