import { beforeAll, describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { Session } from '../../src/players/entities/session.entity';
import { Api, expectStatus, TestPlayer } from '../support/api';
import { countRows } from '../support/db';
import { describeApi, startTestApp, useTestApp } from '../support/test-app';

describeApi('foundation: identities, errors, health and docs', () => {
  const t = useTestApp();

  describe('health and docs', () => {
    it('answers /health and /health/ready', async () => {
      expect((await t.api.send('get', '/health')).body).toEqual({ status: 'ok' });
      expect((await t.api.send('get', '/health/ready')).body).toEqual({ status: 'ok', database: 'up' });
    });

    it('serves Swagger UI and an OpenAPI document with both security schemes', async () => {
      expect((await t.api.send('get', '/docs')).status).toBe(200);
      const doc = (await t.api.send('get', '/docs-json')).body;
      expect(doc.components.securitySchemes).toEqual({
        session: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        'server-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Server-Key' }),
      });
    });
  });

  describe('error bodies', () => {
    it('answers unknown routes with 404 NOT_FOUND', async () => {
      const res = await t.api.send('get', '/no/such/route');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'no such route', msg: 'no such route', status: false });
    });

    it('answers malformed JSON with 400', async () => {
      const res = await t.api.send('post', '/api/auth/guest', { 'content-type': 'application/json' }, '{"name": ');
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toMatch(/not valid JSON/);
    });

    it('answers bodies over 256 KiB with 413 and writes nothing', async () => {
      const before = await countRows(t.app, 'player');
      const res = await t.api.server('post', '/server/players', { data: { name: 'x'.repeat(256 * 1024) } });
      expectStatus(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(await countRows(t.app, 'player')).toBe(before);
    });

    it('names every failing field in VALIDATION_FAILED and writes nothing', async () => {
      const before = await countRows(t.app, 'player');
      const res = await t.api.server('post', '/server/players', { data: { username: '', image: 5, color: 'red' } });
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toContain('data.username');
      expect(res.body.message).toContain('data.image');
      expect(res.body.message).toContain('data.color');
      expect(await countRows(t.app, 'player')).toBe(before);
    });

    it('refuses __proto__ and constructor keys', async () => {
      const res = await t.api.send(
        'post',
        '/server/players',
        { 'x-server-key': t.app.serverKey, 'content-type': 'application/json' },
        '{"data":{"__proto__":{"is_ban":true}}}',
      );
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toContain('data.__proto__');
    });

    it('refuses bodies nested too deeply with 400, without overflowing the stack', async () => {
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      for (const path of ['/api/auth/guest', '/server/players']) {
        const res = await t.api.send('post', path, { 'x-server-key': t.app.serverKey, 'content-type': 'application/json' }, deep);
        expectStatus(res, 400, 'VALIDATION_FAILED');
        expect(res.body.message).toMatch(/nested deeper/);
      }
    });

    it.each(['gzip', 'deflate', 'br'])('refuses a corrupt %s body with 400', async (encoding) => {
      const res = await t.api.send(
        'post',
        '/server/players',
        { 'x-server-key': t.app.serverKey, 'content-type': 'application/json', 'content-encoding': encoding },
        'not compressed at all',
      );
      expectStatus(res, 400, 'VALIDATION_FAILED');
    });

    it('accepts a gzip-compressed body', async () => {
      // fetch, since the test client would serialize a Buffer instead of sending its bytes
      const res = await fetch(`${t.app.url}/server/players`, {
        method: 'POST',
        headers: { 'x-server-key': t.app.serverKey, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ data: { name: 'zipped' } })),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { row: { name: string } }).row.name).toBe('zipped');
    });

    it('never leaks a stack trace or SQL', async () => {
      const res = await t.api.server('get', '/server/players/99999999999');
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(res.body)).not.toMatch(/SELECT|at .*\.ts|QueryFailed/);
    });
  });

  describe('guest sign-in', () => {
    it('creates a guest player and a working session', async () => {
      const res = await t.api.send('post', '/api/auth/guest', {}, { name: '  Ada  ' });
      expectStatus(res, 200);
      expect(res.body.user).toMatchObject({ name: 'Ada', is_guest: true, is_ban: false, username: null });
      expect(res.body.user.first_login).toEqual(res.body.user.last_login);
      expect(typeof res.body.token).toBe('string');
      expectStatus(await t.api.web(res.body.token, 'get', ''), 200);
    });

    it('works without a body', async () => {
      expectStatus(await t.api.send('post', '/api/auth/guest'), 200);
    });

    it('is 404 when turned off, whatever the body', async () => {
      const off = await startTestApp({ AUTH_GUEST_ENABLED: 'false' });
      try {
        expectStatus(await new Api(off.url).send('post', '/api/auth/guest', {}, {}), 404, 'NOT_FOUND');
        expectStatus(await new Api(off.url).send('post', '/api/auth/guest', {}, { name: 5, unknown: true }), 404, 'NOT_FOUND');
      } finally {
        await off.close();
      }
    });
  });

  describe('players and sessions (Trusted API)', () => {
    it('creates, reads and edits a player', async () => {
      const created = await t.api.server('post', '/server/players', { data: { username: 'ada_l', name: 'Ada', label: 'vip', tags: 'a,b', is_tester: true } });
      expectStatus(created, 200);
      const row = created.body.row;
      expect(row).toEqual({
        id: expect.any(Number),
        name: 'Ada',
        image: '',
        username: 'ada_l',
        label: 'vip',
        tags: 'a,b',
        is_ban: false,
        is_tester: true,
        is_guest: false,
        first_login: null,
        last_login: null,
        created_at: expect.any(String),
      });
      expect((await t.api.server('get', `/server/players/${row.id}`)).body.row).toEqual(row);
      const edited = await t.api.server('put', `/server/players/${row.id}`, { data: { name: 'Countess' } });
      expect(edited.body.row).toEqual({ ...row, name: 'Countess' });
    });

    it('refuses a taken username with 409 USERNAME_TAKEN, also when racing', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => t.api.server('post', '/server/players', { data: { username: 'unique_one' } })));
      expect(results.filter((res) => res.status === 200)).toHaveLength(1);
      for (const res of results.filter((r) => r.status !== 200)) expectStatus(res, 409, 'USERNAME_TAKEN');
    });

    it('answers 404 PLAYER_NOT_FOUND for unknown players', async () => {
      expectStatus(await t.api.server('get', '/server/players/987654'), 404, 'PLAYER_NOT_FOUND');
      expectStatus(await t.api.server('post', '/server/players/987654/sessions'), 404, 'PLAYER_NOT_FOUND');
    });

    it('issues expiring sessions and records logins', async () => {
      const player = await t.api.player();
      const session = await t.api.server('post', `/server/players/${player.id}/sessions`);
      const expiresIn = Date.parse(session.body.expires_at) - Date.now();
      expect(expiresIn).toBeGreaterThan(7 * 86400_000 - 60_000);
      expect(expiresIn).toBeLessThanOrEqual(7 * 86400_000);
      const row = (await t.api.server('get', `/server/players/${player.id}`)).body.row;
      expect(Date.parse(row.last_login)).toBeGreaterThanOrEqual(Date.parse(row.first_login));
    });

    it('never undoes a ban when an edit of another field races it', async () => {
      for (let round = 0; round < 8; round++) {
        const player = await t.api.player();
        const [rename, ban] = await Promise.all([
          t.api.server('put', `/server/players/${player.id}`, { data: { name: `renamed ${round}` } }),
          t.api.server('put', `/server/players/${player.id}`, { data: { is_ban: true } }),
        ]);
        expectStatus(rename, 200);
        expectStatus(ban, 200);
        expect((await t.api.server('get', `/server/players/${player.id}`)).body.row).toMatchObject({ name: `renamed ${round}`, is_ban: true });
      }
    });

    it('issues many sessions for one player at once', async () => {
      const player = await t.api.player();
      const results = await Promise.all(Array.from({ length: 12 }, () => t.api.server('post', `/server/players/${player.id}/sessions`)));
      for (const res of results) expectStatus(res, 200);
      expect(new Set(results.map((res) => res.body.token)).size).toBe(12);
    });

    it('stores only a hash of the token', async () => {
      const player = await t.api.player();
      const stored = await t.db.query('SELECT token_hash FROM session WHERE player_id = ?', [player.id]);
      expect(stored).toHaveLength(1);
      expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored[0].token_hash).not.toContain(player.token);
    });
  });

  describe('Web API session guard', () => {
    let player: TestPlayer;
    beforeAll(async () => {
      player = await t.api.player();
    });

    it.each([
      ['no token', null],
      ['a malformed token', 'not a token!'],
      ['an unknown token', 'A'.repeat(43)],
    ])('answers 401 UNAUTHENTICATED for %s', async (_, token) => {
      expectStatus(await t.api.web(token, 'get', ''), 401, 'UNAUTHENTICATED');
    });

    it('answers 401 for an expired token', async () => {
      const other = await t.api.player();
      await t.db.getRepository(Session).update({ playerId: other.id }, { expiresAt: new Date(Date.now() - 1000) });
      expectStatus(await t.api.web(other.token, 'get', ''), 401, 'UNAUTHENTICATED');
    });

    it('answers 403 BANNED for a banned player on both surfaces, and refuses them a session', async () => {
      const banned = await t.api.player();
      expectStatus(await t.api.server('put', `/server/players/${banned.id}`, { data: { is_ban: true } }), 200);
      expectStatus(await t.api.web(banned.token, 'get', ''), 403, 'BANNED');
      expectStatus(await t.api.trusted(banned.id, 'get', ''), 403, 'BANNED');
      expectStatus(await t.api.server('post', `/server/players/${banned.id}/sessions`), 403, 'BANNED');
    });

    it('lets a valid token through', async () => {
      expectStatus(await t.api.web(player.token, 'get', ''), 200);
    });
  });

  describe('Trusted API server key and acting player', () => {
    it.each([
      ['no key', undefined],
      ['a wrong key', 'wrong-key-wrong-key-wrong-key-wrong-key'],
      ['a key one character off', `${'x'}${''}`],
    ])('answers 401 UNAUTHENTICATED for %s', async (_, key) => {
      const headers: Record<string, string> = key === undefined ? {} : { 'x-server-key': key === 'x' ? `${t.app.serverKey.slice(0, -1)}x` : key };
      expectStatus(await t.api.send('get', '/server/services/party', headers), 401, 'UNAUTHENTICATED');
      expectStatus(await t.api.send('post', '/server/players', headers, { data: {} }), 401, 'UNAUTHENTICATED');
    });

    it('refuses every trusted call when no key is configured', async () => {
      const keyless = await startTestApp({ SERVER_KEY: '', NODE_ENV: 'production' });
      try {
        const res = await new Api(keyless.url, '').send('get', '/server/services/party', { 'x-server-key': '' });
        expectStatus(res, 401, 'UNAUTHENTICATED');
        expect(res.body.message).toMatch(/no SERVER_KEY/);
      } finally {
        await keyless.close();
      }
    });

    it.each(['0', '-1', 'abc', '1.5', '2147483648', ''])('answers 400 VALIDATION_FAILED for player=%s', async (value) => {
      const res = await t.api.server('get', `/server/services/party/me?player=${value}`);
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toContain('player');
    });

    it('treats caller as player, and refuses two different ones', async () => {
      const a = await t.api.player();
      const b = await t.api.player();
      expectStatus(await t.api.server('get', `/server/services/party/me?caller=${a.id}`), 200);
      expectStatus(await t.api.server('get', `/server/services/party/me?player=${a.id}&caller=${a.id}`), 200);
      expectStatus(await t.api.server('get', `/server/services/party/me?player=${a.id}&caller=${b.id}`), 400, 'VALIDATION_FAILED');
    });

    it('ignores player and caller on /server/players: the server manages players as itself', async () => {
      const banned = await t.api.player();
      expectStatus(await t.api.server('put', `/server/players/${banned.id}`, { data: { is_ban: true } }), 200);
      const unbanned = await t.api.server('put', `/server/players/${banned.id}?player=${banned.id}`, { data: { is_ban: false } });
      expectStatus(unbanned, 200);
      expect(unbanned.body.row.is_ban).toBe(false);
      expectStatus(await t.api.server('post', '/server/players?player=987654&caller=1', { data: {} }), 200);
    });

    it('answers 404 PLAYER_NOT_FOUND for an unknown acting player', async () => {
      expectStatus(await t.api.server('get', '/server/services/party/me?player=424242'), 404, 'PLAYER_NOT_FOUND');
    });
  });
});
