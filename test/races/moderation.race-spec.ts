import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { Api, expectStatus } from '../support/api';
import { invariantsOf } from '../support/db';
import { describeApi, dropTestDatabase, startTestApp, TestApp } from '../support/test-app';

const ROUNDS = 6;

/** Moderation racing membership changes: never two owners, never an ownerless party with members, never a banned member, counts exact. */
describeApi('moderation races', () => {
  let app: TestApp;
  let api: Api;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp();
    api = new Api(app.url, app.serverKey);
    db = app.app.get(DataSource);
  });
  afterAll(async () => {
    await app?.close();
    await dropTestDatabase();
  });

  async function expectConsistent(partyId: number) {
    const state = await invariantsOf(db, partyId);
    expect(state.memberCount).toBe(state.acceptedRows);
    expect(state.memberCount).toBeLessThanOrEqual(state.maxMemberCount);
    if (state.acceptedRows > 0) {
      expect(state.owners).toHaveLength(1);
      expect(state.ownerId).toBe(state.owners[0]);
    }
    const banned = await db.query('SELECT b.player_id FROM party_ban b JOIN membership m ON m.party_id = b.party_id AND m.player_id = b.player_id WHERE b.party_id = ?', [partyId]);
    expect(banned).toEqual([]);
    return state;
  }

  it('kick + leave + promote of the same member', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [owner, admin, target] = await api.players(3);
      const party = await api.party(owner);
      await api.join(admin, party.id);
      await api.join(target, party.id);
      await api.web(owner.token, 'put', `/${party.id}/members/${admin.id}/role`, { role: 2 });
      const results = await Promise.all([
        api.web(admin.token, 'delete', `/${party.id}/members/${target.id}`),
        api.web(target.token, 'delete', `/${party.id}`),
        api.web(owner.token, 'put', `/${party.id}/members/${target.id}/role`, { role: 2 }),
      ]);
      expect(results.every((res) => res.status < 500)).toBe(true);
      const [kick, leave] = results;
      expect([kick.status, leave.status].filter((s) => s === 200)).toHaveLength(1);
      const state = await expectConsistent(party.id);
      expect(state.memberCount).toBe(2);
    }
  });

  it('the owner leaving while promoting someone', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [owner, a, b] = await api.players(3);
      const party = await api.party(owner);
      await api.join(a, party.id);
      await api.join(b, party.id);
      const results = await Promise.all([
        api.web(owner.token, 'put', `/${party.id}/members/${b.id}/role`, { role: 2 }),
        api.web(owner.token, 'delete', `/${party.id}`),
        api.web(owner.token, 'put', `/${party.id}/members/${a.id}/role`, { role: 2 }),
      ]);
      expect(results.every((res) => res.status < 500)).toBe(true);
      expectStatus(results[1], 200);
      const state = await expectConsistent(party.id);
      expect(state.memberCount).toBe(2);
      expect([a.id, b.id]).toContain(state.ownerId);
    }
  });

  it('ban while the player joins', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [owner, player] = await api.players(2);
      const party = await api.party(owner);
      const [ban, join] = await Promise.all([api.web(owner.token, 'put', `/${party.id}/bans/${player.id}`), api.join(player, party.id)]);
      expectStatus(ban, 200);
      expect([200, 403]).toContain(join.status);
      const state = await expectConsistent(party.id);
      expect(state.memberCount).toBe(1);
      expectStatus(await api.join(player, party.id), 403, 'PERMISSION_DENIED');
    }
  });

  it('kicks and bans racing the owner handing over and a disband', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [owner, admin, m1, m2] = await api.players(4);
      const party = await api.party(owner);
      for (const p of [admin, m1, m2]) await api.join(p, party.id);
      await api.web(owner.token, 'put', `/${party.id}/members/${admin.id}/role`, { role: 2 });
      const results = await Promise.all([
        api.web(owner.token, 'delete', `/${party.id}`),
        api.web(admin.token, 'put', `/${party.id}/bans/${m1.id}`),
        api.web(admin.token, 'delete', `/${party.id}/members/${m2.id}`),
        api.web(m2.token, 'put', `/${party.id}/members/me`, { data: 'x' }),
        round % 2 === 0 ? api.web(owner.token, 'post', `/${party.id}/disband`) : api.web(m1.token, 'delete', `/${party.id}`),
      ]);
      expect(results.every((res) => res.status < 500)).toBe(true);
      await expectConsistent(party.id);
    }
  });
});
