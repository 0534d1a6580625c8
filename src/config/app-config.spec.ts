import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config';

const KEY = 'k'.repeat(32);

describe('loadConfig', () => {
  it('defaults to the embedded database and documented values', () => {
    const config = loadConfig({ NODE_ENV: 'production', SERVER_KEY: KEY });
    expect(config).toMatchObject({
      port: 3000,
      database: { kind: 'embedded', file: 'data/party.sqlite' },
      serverKey: { key: KEY, generated: false },
      sessionTtlSeconds: 7 * 86400,
      maxPartySize: 1000,
      guestAuthEnabled: true,
    });
  });

  it.each([
    ['mysql://u:p%40ss@db.local:3307/party', { kind: 'mysql', host: 'db.local', port: 3307, username: 'u', password: 'p@ss', database: 'party' }],
    ['mariadb://root@127.0.0.1/test', { kind: 'mariadb', host: '127.0.0.1', port: 3306, username: 'root', password: '', database: 'test' }],
  ])('parses DATABASE_URL %s', (url, expected) => {
    expect(loadConfig({ DATABASE_URL: url, SERVER_KEY: KEY }).database).toMatchObject(expected);
  });

  it('WEB_CONCURRENCY above 1 needs MySQL and Redis: workers share nothing else', () => {
    expect(() => loadConfig({ SERVER_KEY: KEY, WEB_CONCURRENCY: '2' })).toThrow('WEB_CONCURRENCY above 1 needs DATABASE_URL (MySQL/MariaDB) and REDIS_URL');
    expect(() => loadConfig({ SERVER_KEY: KEY, WEB_CONCURRENCY: '2', DATABASE_URL: 'mysql://u@h/d' })).toThrow(ConfigError);
    expect(loadConfig({ SERVER_KEY: KEY, WEB_CONCURRENCY: '2', DATABASE_URL: 'mysql://u@h/d', REDIS_URL: 'redis://r' }).workers).toBe(2);
    expect(loadConfig({ SERVER_KEY: KEY }).workers).toBe(1);
  });

  it.each([
    ['SESSION_TTL', '12h', 'sessionTtlSeconds', 43200],
    ['SESSION_TTL', '30m', 'sessionTtlSeconds', 1800],
    ['SESSION_TTL', '3600', 'sessionTtlSeconds', 3600],
    ['AUTH_GUEST_ENABLED', 'false', 'guestAuthEnabled', false],
    ['MAX_PARTY_SIZE', '50', 'maxPartySize', 50],
  ] as const)('reads %s=%s', (name, value, field, expected) => {
    expect(loadConfig({ SERVER_KEY: KEY, [name]: value })[field]).toBe(expected);
  });

  it('reports every problem at once', () => {
    const env = { DATABASE_URL: 'postgres://x/y', PORT: 'http', SERVER_KEY: 'short', SESSION_TTL: 'soon', AUTH_GUEST_ENABLED: 'maybe', MAX_PARTY_SIZE: '0' };
    try {
      loadConfig(env);
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.split(' ')[0])).toEqual([
        'PORT',
        'DATABASE_URL',
        'SERVER_KEY',
        'SESSION_TTL',
        'MAX_PARTY_SIZE',
        'AUTH_GUEST_ENABLED',
      ]);
    }
  });

  it('generates a server key only when NODE_ENV=development is set', () => {
    expect(loadConfig({}).serverKey).toEqual({ key: null, generated: false });
    const dev = loadConfig({ NODE_ENV: 'development' }).serverKey;
    expect(dev.generated).toBe(true);
    expect(dev.key!.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ NODE_ENV: 'production' }).serverKey).toEqual({ key: null, generated: false });
    expect(loadConfig({ NODE_ENV: 'test' }).serverKey).toEqual({ key: null, generated: false });
  });
});
