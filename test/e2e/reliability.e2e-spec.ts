import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Api, expectStatus } from '../support/api';
import { countRows } from '../support/db';
import { snapshot, snapshotDiff } from '../support/db-snapshot';
import { SessionsService } from '../../src/players/sessions.service';
import { describeApi, startTestApp, useTestApp } from '../support/test-app';

const key = () => `key-${randomBytes(8).toString('hex')}`;

/** SPEC §1 (sessions), §4 (input) and §8 (reliability), on both databases. */
describeApi('reliability: idempotent retries, sessions that end, input that is refused', () => {
  const t = useTestApp();
  const withKey = (token: string, idempotencyKey: string) => ({ authorization: `Bearer ${token}`, 'idempotency-key': idempotencyKey });
  const PARTIES = '/api/table/services/parties';

  describe('Idempotency-Key (SPEC §8)', () => {
    it('a retried create returns the first answer and creates one party', async () => {
      const [owner] = await t.api.players(1);
      const k = key();
      const before = await countRows(t.app, 'party');
      const first = await t.api.send('post', PARTIES, withKey(owner.token, k), { data: { name: 'Once' } });
      const retry = await t.api.send('post', PARTIES, withKey(owner.token, k), { data: { name: 'Once' } });
      expectStatus(first, 200);
      expectStatus(retry, 200);
      expect(retry.body).toEqual(first.body);
      expect(await countRows(t.app, 'party')).toBe(before + 1);
    });

    it('the same key with another body, method or path is 409 IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
      const [owner] = await t.api.players(1);
      const k = key();
      const party = (await t.api.send('post', PARTIES, withKey(owner.token, k), { data: { name: 'First' } })).body.row;
      const before = await snapshot(t.app);
      expectStatus(await t.api.send('post', PARTIES, withKey(owner.token, k), { data: { name: 'Second' } }), 409, 'IDEMPOTENCY_KEY_REUSED');
      expectStatus(await t.api.send('put', `${PARTIES}/${party.id}`, withKey(owner.token, k), { data: { name: 'First' } }), 409, 'IDEMPOTENCY_KEY_REUSED');
      expectStatus(await t.api.send('delete', `${PARTIES}/${party.id}`, withKey(owner.token, k)), 409, 'IDEMPOTENCY_KEY_REUSED');
      expect(snapshotDiff(before, await snapshot(t.app))).toBeNull();
    });

    it('keys belong to their caller: two players may use the same key', async () => {
      const [a, b] = await t.api.players(2);
      const k = key();
      const first = await t.api.send('post', PARTIES, withKey(a.token, k), { data: { name: 'Mine' } });
      const second = await t.api.send('post', PARTIES, withKey(b.token, k), { data: { name: 'Mine' } });
      expect(second.body.row.id).not.toBe(first.body.row.id);
      expect(second.body.row.owner).toBe(b.id);
    });

    it('an error is not stored: the retry is a fresh attempt', async () => {
      const [owner, member, joiner] = await t.api.players(3);
      const party = await t.api.party(owner, { max_member_count: 2 });
      expectStatus(await t.api.join(member, party.id), 200);
      const k = key();
      expectStatus(await t.api.send('post', `${PARTIES}/${party.id}`, withKey(joiner.token, k), {}), 409, 'PARTY_FULL');
      expectStatus(await t.api.web(member.token, 'delete', `/${party.id}`), 200);
      expectStatus(await t.api.send('post', `${PARTIES}/${party.id}`, withKey(joiner.token, k), {}), 200);
    });

    it('8 concurrent duplicates of one join do the work once and all get its answer', async () => {
      const [owner, joiner] = await t.api.players(2);
      const party = await t.api.party(owner);
      const k = key();
      const replies = await Promise.all(Array.from({ length: 8 }, () => t.api.send('post', `${PARTIES}/${party.id}`, withKey(joiner.token, k), {})));
      replies.forEach((res) => expectStatus(res, 200));
      expect(new Set(replies.map((res) => JSON.stringify(res.body))).size).toBe(1);
      expect((await t.api.getParty(party.id)).member_count).toBe(2);
    });

    it('replays the first answer for every kind of write (PUT and DELETE included), doing each once', async () => {
      const [owner, member, outsider] = await t.api.players(3);
      const party = await t.api.party(owner, { is_private: true });
      const request = (await t.api.join(member, party.id)).body.row;
      const writes: ['put' | 'delete', string, unknown][] = [
        ['put', `/${party.id}`, { data: { desc: 'once' } }],
        ['put', `/${party.id}/waiting/${request.id}`, undefined],
        ['put', `/${party.id}/members/${member.id}/role`, { role: 2 }],
        ['put', `/${party.id}/bans/${outsider.id}`, undefined],
        ['delete', `/${party.id}/bans/${outsider.id}`, undefined],
        ['delete', `/${party.id}/members/${member.id}`, undefined],
      ];
      for (const [method, path, body] of writes) {
        const k = key();
        const first = await t.api.send(method, `${PARTIES}${path}`, withKey(owner.token, k), body);
        expectStatus(first, 200);
        const before = await snapshot(t.app);
        const retry = await t.api.send(method, `${PARTIES}${path}`, withKey(owner.token, k), body);
        expect({ path, status: retry.status, body: retry.body }).toEqual({ path, status: 200, body: first.body });
        expect(snapshotDiff(before, await snapshot(t.app))).toBeNull();
      }
    });

    it('a replayed session gives the same token, issued once, and the stored answer does not show it', async () => {
      const [player] = await t.api.players(1);
      const k = key();
      const headers = { 'x-server-key': t.app.serverKey, 'idempotency-key': k };
      const first = await t.api.send('post', `/server/players/${player.id}/sessions`, headers);
      const sessions = await countRows(t.app, 'session');
      const retry = await t.api.send('post', `/server/players/${player.id}/sessions`, headers);
      expect(retry.body).toEqual({ token: first.body.token, expires_at: first.body.expires_at });
      expect(await countRows(t.app, 'session')).toBe(sessions);
      const stored: { response: string; key_hash: string }[] = await t.db.query('SELECT response, key_hash FROM idempotency_record');
      expect(stored.some((row) => row.response.includes(first.body.token as string) || row.key_hash === k)).toBe(false);
    });

    it('works on the Trusted API and guest sign-in too, and refuses a bad key', async () => {
      const k = key();
      const first = await t.api.send('post', '/server/players', { 'x-server-key': t.app.serverKey, 'idempotency-key': k }, { data: { name: 'Made once' } });
      const again = await t.api.send('post', '/server/players', { 'x-server-key': t.app.serverKey, 'idempotency-key': k }, { data: { name: 'Made once' } });
      expect(again.body).toEqual(first.body);
      const guest = await t.api.send('post', '/api/auth/guest', { 'idempotency-key': k }, { name: 'G' });
      expect((await t.api.send('post', '/api/auth/guest', { 'idempotency-key': k }, { name: 'G' })).body).toEqual(guest.body);
      expectStatus(await t.api.send('post', '/api/auth/guest', { 'idempotency-key': 'k'.repeat(129) }, {}), 400, 'VALIDATION_FAILED');
    });
  });

  describe('sessions (SPEC §1)', () => {
    it('DELETE /api/auth/session ends the calling session only', async () => {
      const [player] = await t.api.players(1);
      const other = (await t.api.server('post', `/server/players/${player.id}/sessions`)).body.token as string;
      const res = await t.api.send('delete', '/api/auth/session', { authorization: `Bearer ${player.token}` });
      expect(res.body).toEqual({ affected: 1 });
      expectStatus(await t.api.web(player.token, 'get', ''), 401, 'UNAUTHENTICATED');
      expectStatus(await t.api.web(other, 'get', ''), 200);
    });

    it('a ban ends every session: 403 while it lasts, 401 once it is lifted', async () => {
      const [player] = await t.api.players(1);
      expectStatus(await t.api.server('put', `/server/players/${player.id}`, { data: { is_ban: true } }), 200);
      expectStatus(await t.api.web(player.token, 'get', ''), 403, 'BANNED');
      expectStatus(await t.api.server('put', `/server/players/${player.id}`, { data: { is_ban: false } }), 200);
      expectStatus(await t.api.web(player.token, 'get', ''), 401, 'UNAUTHENTICATED');
      const fresh = (await t.api.server('post', `/server/players/${player.id}/sessions`)).body.token as string;
      expectStatus(await t.api.web(fresh, 'get', ''), 200);
    });

    it('keeps at most 10 live sessions per player, ending the oldest', async () => {
      const [player] = await t.api.players(1); // its first session
      const tokens = [player.token];
      for (let i = 0; i < 11; i++) tokens.push((await t.api.server('post', `/server/players/${player.id}/sessions`)).body.token as string);
      const statuses = await Promise.all(tokens.map(async (token) => (await t.api.web(token, 'get', '?limit=1')).status));
      expect(statuses).toEqual([401, 401, ...Array(10).fill(200)]);
    });

    it('purges expired sessions', async () => {
      const [player] = await t.api.players(1);
      const [{ id }] = await t.db.query('SELECT id FROM session WHERE player_id = ?', [player.id]);
      await t.db.query("UPDATE session SET expires_at = '2000-01-01 00:00:00.000' WHERE id = ?", [id]);
      expect(await t.app.app.get(SessionsService).purgeExpired()).toBeGreaterThanOrEqual(1);
      expect(await t.db.query('SELECT id FROM session WHERE id = ?', [id])).toEqual([]);
    });
  });

  describe('input (SPEC §4)', () => {
    it('a body that is not JSON is 415 where a route takes one, and writes nothing', async () => {
      const [owner, joiner] = await t.api.players(2);
      const party = await t.api.party(owner, { teams: ['red'] });
      const before = await snapshot(t.app);
      const res = await t.api.send(
        'post',
        `${PARTIES}/${party.id}`,
        { authorization: `Bearer ${joiner.token}`, 'content-type': 'text/plain' },
        '{"team":"red"}',
      );
      expectStatus(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectStatus(await t.api.send('post', '/api/auth/guest', { 'content-type': 'text/plain' }, 'name=x'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(snapshotDiff(before, await snapshot(t.app))).toBeNull();
      // a route without a body ignores one
      expectStatus(
        await t.api.send('get', `${PARTIES}/${party.id}`, { authorization: `Bearer ${joiner.token}`, 'content-type': 'text/plain' }, 'ignored'),
        200,
      );
    });

    it('a lone UTF-16 surrogate is 400 and never stored altered', async () => {
      const [owner] = await t.api.players(1);
      const before = await snapshot(t.app);
      const raw = (name: string) =>
        t.api.send('post', PARTIES, { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' }, `{"data":{"name":"${name}"}}`);
      const res = await raw('bad \\ud800 name');
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toContain('data.name');
      expectStatus(await raw('\\udc00'), 400, 'VALIDATION_FAILED');
      expect(snapshotDiff(before, await snapshot(t.app))).toBeNull();
      expect((await raw('emoji \\ud83d\\ude00 fine')).body.row.name).toBe('emoji 😀 fine');
    });

    it.each([['"5"'], ['null'], ['true'], ['1.5']])('max_member_count %s is refused naming the expected type', async (value) => {
      const [owner] = await t.api.players(1);
      const res = await t.api.send(
        'post',
        PARTIES,
        { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
        `{"data":{"name":"x","max_member_count":${value}}}`,
      );
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toBe('data.max_member_count must be an integer number');
    });
  });

  describe('failed authentications (SPEC §8)', () => {
    it('are limited per client address: past the limit, 429 before any token is looked up', async () => {
      const limited = await startTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_AUTH_FAILURES: '5' });
      try {
        const api = new Api(limited.url, limited.serverKey);
        const [player] = await api.players(1);
        for (let i = 0; i < 5; i++) expectStatus(await api.web(`unknown-token-${i}-0123456789abcdef`, 'get', ''), 401, 'UNAUTHENTICATED');
        expectStatus(await api.web('unknown-token-x-0123456789abcdef', 'get', ''), 429, 'RATE_LIMITED');
        // a good token from the same address waits too: the refusal comes before the lookup
        expectStatus(await api.web(player.token, 'get', ''), 429, 'RATE_LIMITED');
        expectStatus(await api.send('get', '/server/services/party', { 'x-server-key': 'wrong-key' }), 429, 'RATE_LIMITED');
      } finally {
        await limited.close();
      }
    });

    it('good tokens arriving together from one address are never refused for each other (only failures count)', async () => {
      const limited = await startTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_AUTH_FAILURES: '5' });
      try {
        const api = new Api(limited.url, limited.serverKey);
        const players = await api.players(20);
        const first = await Promise.all(players.map((player) => api.web(player.token, 'get', '')));
        first.forEach((res) => expectStatus(res, 200));
      } finally {
        await limited.close();
      }
    });

    it('with Redis unreachable, limits count in the process instead of switching off', async () => {
      const noRedis = await startTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_GUEST: '3', REDIS_URL: 'redis://127.0.0.1:1' });
      try {
        const api = new Api(noRedis.url, noRedis.serverKey);
        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push((await api.send('post', '/api/auth/guest', {}, {})).status);
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
      } finally {
        await noRedis.close();
      }
    });
  });
});
