import { expect, it } from '@jest/globals';
import { expectStatus } from '../support/api';
import { invariantsOf } from '../support/db';
import { describeApi, useTestApp } from '../support/test-app';

const ROUNDS = 6;

/** Moderation racing membership changes: never two owners, never an ownerless party with members, never a banned member, counts exact. */
describeApi('moderation races', () => {
  const t = useTestApp();

  async function expectConsistent(partyId: number) {
    const state = await invariantsOf(t.db, partyId);
    expect(state.memberCount).toBe(state.acceptedRows);
    expect(state.memberCount).toBeLessThanOrEqual(state.maxMemberCount);
    if (state.acceptedRows > 0) {
      expect(state.owners).toHaveLength(1);
      expect(state.ownerId).toBe(state.owners[0]);
    }
    const banned = await t.db.query(
      'SELECT b.player_id FROM party_ban b JOIN membership m ON m.party_id = b.party_id AND m.player_id = b.player_id WHERE b.party_id = ?',
      [partyId],
    );
    expect(banned).toEqual([]);
    return state;
  }

  it('kick + leave + promote of the same member', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [owner, admin, target] = await t.api.players(3);
      const party = await t.api.party(owner);
      await t.api.join(admin, party.id);
      await t.api.join(target, party.id);
      await t.api.web(owner.token, 'put', `/${party.id}/members/${admin.id}/role`, { role: 2 });
      const results = await Promise.all([
        t.api.web(admin.token, 'delete', `/${party.id}/members/${target.id}`),
        t.api.web(target.token, 'delete', `/${party.id}`),
        t.api.web(owner.token, 'put', `/${party.id}/members/${target.id}/role`, { role: 2 }),
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
      const [owner, a, b] = await t.api.players(3);
      const party = await t.api.party(owner);
      await t.api.join(a, party.id);
      await t.api.join(b, party.id);
      const results = await Promise.all([
        t.api.web(owner.token, 'put', `/${party.id}/members/${b.id}/role`, { role: 2 }),
        t.api.web(owner.token, 'delete', `/${party.id}`),
        t.api.web(owner.token, 'put', `/${party.id}/members/${a.id}/role`, { role: 2 }),
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
      const [owner, player] = await t.api.players(2);
      const party = await t.api.party(owner);
      const [ban, join] = await Promise.all([t.api.web(owner.token, 'put', `/${party.id}/bans/${player.id}`), t.api.join(player, party.id)]);
      expectStatus(ban, 200);
      expect([200, 403]).toContain(join.status);
      const state = await expectConsistent(party.id);
      expect(state.memberCount).toBe(1);
      expectStatus(await t.api.join(player, party.id), 403, 'PERMISSION_DENIED');
    }
  });

  it('kicks and bans racing the owner handing over and a disband', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [owner, admin, m1, m2] = await t.api.players(4);
      const party = await t.api.party(owner);
      for (const p of [admin, m1, m2]) await t.api.join(p, party.id);
      await t.api.web(owner.token, 'put', `/${party.id}/members/${admin.id}/role`, { role: 2 });
      const results = await Promise.all([
        t.api.web(owner.token, 'delete', `/${party.id}`),
        t.api.web(admin.token, 'put', `/${party.id}/bans/${m1.id}`),
        t.api.web(admin.token, 'delete', `/${party.id}/members/${m2.id}`),
        t.api.web(m2.token, 'put', `/${party.id}/members/me`, { data: 'x' }),
        round % 2 === 0 ? t.api.web(owner.token, 'post', `/${party.id}/disband`) : t.api.web(m1.token, 'delete', `/${party.id}`),
      ]);
      expect(results.every((res) => res.status < 500)).toBe(true);
      await expectConsistent(party.id);
    }
  });
});
