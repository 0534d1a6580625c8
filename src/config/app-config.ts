import { randomBytes } from 'node:crypto';

/** Where the data lives: a MySQL/MariaDB server, or the embedded sql.js file used when no server is configured. */
export type DatabaseConfig =
  | {
      kind: 'mysql' | 'mariadb';
      host: string;
      port: number;
      username: string;
      password: string;
      database: string;
      pool: DatabasePoolConfig;
    }
  | { kind: 'embedded'; file: string };

/**
 * Bounds on waiting for MySQL, so that a stopped or frozen database turns into a quick 503 instead of
 * requests piling up: a connection must be had within acquireTimeoutMs (connecting included), a
 * statement must answer within queryTimeoutMs, and at most queueLimit requests wait for a connection.
 */
export interface DatabasePoolConfig {
  size: number;
  queueLimit: number;
  acquireTimeoutMs: number;
  queryTimeoutMs: number;
  /** A transaction left idle this long (a stalled process) is rolled back by the database, releasing its locks. */
  idleTransactionTimeoutSeconds: number;
}

export interface ServerKeyConfig {
  /** null: no key configured, so every Trusted API call is refused. */
  key: string | null;
  /** true when the key was generated for this development run. */
  generated: boolean;
}

/** Requests allowed per fixed window, by who is calling (SPEC: 429 RATE_LIMITED with Retry-After). */
export interface RateLimitConfig {
  enabled: boolean;
  windowSeconds: number;
  /** Web API calls per player. */
  perPlayer: number;
  /** Guest sign-ins per client address. */
  perGuestAddress: number;
  /** Trusted API calls per server key. */
  perServerKey: number;
  /** Failed authentications (unknown or expired tokens, wrong server keys) per client address. */
  authFailuresPerAddress: number;
  /** Counters shared by every process through Redis; null keeps them in this process's memory. */
  redisUrl: string | null;
  redisKeyPrefix: string;
}

/** SPEC §7's event sockets. */
export interface RealtimeConfig {
  /** Fan-out of events to every service process through Redis pub/sub; null: this process only (one process, the embedded default). */
  redisUrl: string | null;
  redisChannel: string;
  /** Sockets are pinged this often and closed when they have not answered the previous ping. */
  pingIntervalMs: number;
  /** How often the event table is checked for changes the bus did not bring (a Redis hiccup, a publisher that died). */
  sweepIntervalMs: number;
}

export interface AppConfig {
  port: number;
  /** Worker processes on this host (Node's cluster), all on `port`; 1 = this process serves alone. */
  workers: number;
  /** A request not done by then is answered 503 SERVICE_UNAVAILABLE. */
  requestTimeoutMs: number;
  environment: string;
  database: DatabaseConfig;
  serverKey: ServerKeyConfig;
  sessionTtlSeconds: number;
  maxPartySize: number;
  guestAuthEnabled: boolean;
  rateLimit: RateLimitConfig;
  realtime: RealtimeConfig;
  /** Proxy hops in front of the service whose X-Forwarded-For is believed (client addresses for rate limits). */
  trustProxyHops: number;
  /** The only `clientId` served under `/game/{clientId}/…` (the SDKs' paths); null accepts any. */
  gameClientId: string | null;
  http: HttpConfig;
  logging: LoggingConfig;
  metrics: MetricsConfig;
}

export interface HttpConfig {
  /** Origins allowed to call the API from a browser (CORS); empty = no CORS headers at all. */
  corsOrigins: string[];
  /** Swagger UI at /docs and the document at /docs-json. */
  docsEnabled: boolean;
  /** Strict-Transport-Security, only when the service is reached over TLS (behind a proxy that terminates it). */
  hsts: boolean;
}

export interface LoggingConfig {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Human-readable lines instead of JSON (development). */
  pretty: boolean;
}

export interface MetricsConfig {
  enabled: boolean;
  /** Serve /metrics on this port of its own (kept off the public one); null = on the API's port. */
  port: number | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export const MIN_SERVER_KEY_LENGTH = 32;
const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses and validates the environment once, at boot; every problem is reported together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  // Production unless told otherwise: a forgotten NODE_ENV must not switch on development conveniences.
  const environment = env.NODE_ENV || 'production';

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${env[name]}")`);
    return fallback;
  };

  const duration = (name: string, fallbackSeconds: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallbackSeconds;
    const match = /^(\d+)\s*([smhd]?)$/.exec(raw);
    const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : 0;
    if (!match || seconds < 60) {
      problems.push(`${name} must be a duration of at least 60 seconds, like 3600, 30m, 12h or 7d (got "${raw}")`);
      return fallbackSeconds;
    }
    return seconds;
  };

  const config: AppConfig = {
    port: integer('PORT', 3000, 0, 65535),
    workers: integer('WEB_CONCURRENCY', 1, 1, 64),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', 1800, 100, 600_000),
    environment,
    database: parseDatabase(env, problems, {
      size: integer('DB_POOL_SIZE', 10, 1, 1000),
      queueLimit: integer('DB_QUEUE_LIMIT', 500, 1, 100_000),
      acquireTimeoutMs: integer('DB_ACQUIRE_TIMEOUT_MS', 1200, 50, 60_000),
      queryTimeoutMs: integer('DB_QUERY_TIMEOUT_MS', 1500, 50, 600_000),
      idleTransactionTimeoutSeconds: integer('DB_IDLE_TRANSACTION_TIMEOUT', 10, 1, 3600),
    }),
    serverKey: parseServerKey(env.SERVER_KEY, environment, problems),
    sessionTtlSeconds: duration('SESSION_TTL', 7 * 86400),
    maxPartySize: integer('MAX_PARTY_SIZE', 1000, 1, 1_000_000),
    guestAuthEnabled: boolean('AUTH_GUEST_ENABLED', true),
    rateLimit: {
      enabled: boolean('RATE_LIMIT_ENABLED', true),
      windowSeconds: integer('RATE_LIMIT_WINDOW', 60, 1, 86_400),
      perPlayer: integer('RATE_LIMIT_PLAYER', 600, 1, 10_000_000),
      perGuestAddress: integer('RATE_LIMIT_GUEST', 20, 1, 10_000_000),
      perServerKey: integer('RATE_LIMIT_SERVER', 60_000, 1, 100_000_000),
      authFailuresPerAddress: integer('RATE_LIMIT_AUTH_FAILURES', 60, 1, 10_000_000),
      redisUrl: env.REDIS_URL?.trim() || null,
      redisKeyPrefix: env.REDIS_KEY_PREFIX || 'party:ratelimit:',
    },
    realtime: {
      redisUrl: env.REDIS_URL?.trim() || null,
      redisChannel: env.REDIS_EVENTS_CHANNEL?.trim() || 'party:events',
      pingIntervalMs: integer('WS_PING_INTERVAL_MS', 30_000, 100, 600_000),
      sweepIntervalMs: integer('EVENTS_SWEEP_MS', 5_000, 100, 600_000),
    },
    trustProxyHops: integer('TRUST_PROXY_HOPS', 0, 0, 10),
    gameClientId: env.GAME_CLIENT_ID?.trim() || null,
    http: {
      corsOrigins: (env.CORS_ORIGINS ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
      docsEnabled: boolean('DOCS_ENABLED', true),
      hsts: boolean('HSTS', false),
    },
    logging: { level: logLevel(env.LOG_LEVEL, problems), pretty: boolean('LOG_PRETTY', false) },
    metrics: { enabled: boolean('METRICS_ENABLED', true), port: integer('METRICS_PORT', 0, 0, 65535) || null },
  };
  if (config.workers > 1 && (config.database.kind === 'embedded' || !config.realtime.redisUrl)) {
    // Workers share nothing but the database and Redis: the embedded file has one writer, and events and rate limits cross processes through Redis.
    problems.push('WEB_CONCURRENCY above 1 needs DATABASE_URL (MySQL/MariaDB) and REDIS_URL');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const LOG_LEVELS: LoggingConfig['level'][] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(raw: string | undefined, problems: string[]): LoggingConfig['level'] {
  const level = raw?.trim().toLowerCase();
  if (!level) return 'info';
  if ((LOG_LEVELS as string[]).includes(level)) return level as LoggingConfig['level'];
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${raw}")`);
  return 'info';
}

function parseDatabase(env: NodeJS.ProcessEnv, problems: string[], pool: DatabasePoolConfig): DatabaseConfig {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return { kind: 'embedded', file: env.EMBEDDED_DATABASE_FILE || 'data/party.sqlite' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push('DATABASE_URL must be a URL like mysql://user:password@host:3306/database');
    return { kind: 'embedded', file: '' };
  }
  const kind = url.protocol.replace(/:$/, '');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (kind !== 'mysql' && kind !== 'mariadb') problems.push(`DATABASE_URL must start with mysql:// or mariadb:// (got ${kind}://)`);
  if (!database) problems.push('DATABASE_URL must name a database, like mysql://root@127.0.0.1:3306/party');
  return {
    kind: kind === 'mariadb' ? 'mariadb' : 'mysql',
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database,
    pool,
  };
}

function parseServerKey(raw: string | undefined, environment: string, problems: string[]): ServerKeyConfig {
  const key = raw?.trim();
  if (key) {
    if (key.length < MIN_SERVER_KEY_LENGTH) problems.push(`SERVER_KEY must be at least ${MIN_SERVER_KEY_LENGTH} characters`);
    return { key, generated: false };
  }
  // A developer trying the service locally gets a key at once, so Swagger's "Authorize" works.
  if (environment === 'development') return { key: randomBytes(24).toString('base64url'), generated: true };
  return { key: null, generated: false };
}
