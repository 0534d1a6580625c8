import { beforeAll, describe, expect, it } from '@jest/globals';
import { expectStatus, PartyRow, Surface } from '../support/api';
import { invariantsOf } from '../support/db';
import { snapshot } from '../support/db-snapshot';
import { describeApi, useTestApp } from '../support/test-app';

describeApi('roles and moderation', () => {
  const t = useTestApp();

  /** A party with an owner, an admin, two members and a waiting requester. */
  async function crew(surface: Surface) {
    const [owner, admin, member, other, waiter, outsider] = await t.api.players(6);
    const party: PartyRow = await t.api.party(owner);
    for (const p of [admin, member, other]) await t.api.join(p, party.id);
    expectStatus(await surface.call(owner, 'put', `/${party.id}/members/${admin.id}/role`, { role: 2 }), 200);
    await t.api.web(owner.token, 'put', `/${party.id}`, { data: { is_private: true } });
    const request = (await t.api.join(waiter, party.id)).body.row;
    return { party, owner, admin, member, other, waiter, outsider, request };
  }

  const roleOf = async (partyId: number, playerId: number) =>
    (await t.api.trusted(undefined, 'get', `/${partyId}/members?limit=100`)).body.list.find((m: { id: number }) => m.id === playerId)?.role;

  describe.each(['web', 'trusted'] as const)('%s surface', (name) => {
    let surface: Surface;
    beforeAll(() => {
      surface = t.api.surfaces.find((s) => s.name === name)!;
    });

    it('promotes and demotes: the owner only', async () => {
      const c = await crew(surface);
      const promoted = await surface.call(c.owner, 'put', `/${c.party.id}/members/${c.member.id}/role`, { role: 2 });
      expectStatus(promoted, 200);
      expect(promoted.body.row).toMatchObject({ player: c.member.id, role: 2, status: 1 });
      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/members/${c.member.id}/role`, { role: 3 }), 200);
      expect(await roleOf(c.party.id, c.member.id)).toBe(3);

      expectStatus(await surface.call(c.admin, 'put', `/${c.party.id}/members/${c.member.id}/role`, { role: 2 }), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.member, 'put', `/${c.party.id}/members/${c.other.id}/role`, { role: 2 }), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/members/${c.owner.id}/role`, { role: 3 }), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/members/${c.waiter.id}/role`, { role: 2 }), 404, 'MEMBERSHIP_NOT_FOUND');
      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/members/${c.outsider.id}/role`, { role: 2 }), 404, 'MEMBERSHIP_NOT_FOUND');
      for (const role of [1, 0, '2', null]) {
        expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/members/${c.member.id}/role`, { role }), 400, 'VALIDATION_FAILED');
      }
    });

    it('kicks: owner anyone but themselves, admin plain members only; counts fall', async () => {
      const c = await crew(surface);
      expectStatus(await surface.call(c.member, 'delete', `/${c.party.id}/members/${c.other.id}`), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.admin, 'delete', `/${c.party.id}/members/${c.owner.id}`), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.owner, 'delete', `/${c.party.id}/members/${c.owner.id}`), 403, 'PERMISSION_DENIED');
      const kicked = await surface.call(c.admin, 'delete', `/${c.party.id}/members/${c.member.id}`);
      expectStatus(kicked, 200);
      expect(kicked.body.row).toMatchObject({ player: c.member.id, status: 1 });
      expect(kicked.body.affected).toBe(1);
      expect((await t.api.getParty(c.party.id)).member_count).toBe(3);
      const [admin2] = await t.api.players(1);
      await t.api.trusted(undefined, 'put', `/${c.party.id}/waiting/${(await t.api.join(admin2, c.party.id)).body.row.id}`);
      await surface.call(c.owner, 'put', `/${c.party.id}/members/${admin2.id}/role`, { role: 2 });
      expectStatus(await surface.call(c.admin, 'delete', `/${c.party.id}/members/${admin2.id}`), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.owner, 'delete', `/${c.party.id}/members/${c.admin.id}`), 200);
      expectStatus(await surface.call(c.owner, 'delete', `/${c.party.id}/members/${c.waiter.id}`), 404, 'MEMBERSHIP_NOT_FOUND');
      expect(await invariantsOf(t.db, c.party.id)).toMatchObject({ memberCount: 3, acceptedRows: 3 });
    });

    it('bans: removes the player, who cannot join or request again until unbanned', async () => {
      const c = await crew(surface);
      const banned = await surface.call(c.admin, 'put', `/${c.party.id}/bans/${c.member.id}`);
      expectStatus(banned, 200);
      expect(banned.body.row).toEqual({ party: c.party.id, player: c.member.id, banned_by: c.admin.id, created_at: expect.any(String) });
      expect((await t.api.getParty(c.party.id)).member_count).toBe(3);
      expectStatus(await t.api.join(c.member, c.party.id), 403, 'PERMISSION_DENIED');

      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/bans/${c.waiter.id}`), 200);
      expect((await t.api.web(c.owner.token, 'get', `/${c.party.id}/waiting`)).body.totalCount).toBe(0);
      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/bans/${c.outsider.id}`), 200);
      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/bans/${c.outsider.id}`), 200);

      const list = await surface.call(c.admin, 'get', `/${c.party.id}/bans`);
      expect(list.body.totalCount).toBe(3);
      expect(list.body.list.map((b: { player: number }) => b.player).sort()).toEqual([c.member.id, c.waiter.id, c.outsider.id].sort());
      expectStatus(await surface.call(c.other, 'get', `/${c.party.id}/bans`), 403, 'PERMISSION_DENIED');

      expect((await surface.call(c.owner, 'delete', `/${c.party.id}/bans/${c.member.id}`)).body).toEqual({
        row: { party: c.party.id, player: c.member.id, banned_by: c.admin.id, created_at: expect.any(String) },
        affected: 1,
      });
      expectStatus(await surface.call(c.owner, 'delete', `/${c.party.id}/bans/${c.member.id}`), 404, 'BAN_NOT_FOUND');
      expectStatus(await t.api.join(c.member, c.party.id), 200);
    });

    it('bans: admins cannot ban admins or the owner, nobody bans themselves, unknown players are 404', async () => {
      const c = await crew(surface);
      const before = await snapshot(t.app);
      expectStatus(await surface.call(c.admin, 'put', `/${c.party.id}/bans/${c.owner.id}`), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/bans/${c.owner.id}`), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.member, 'put', `/${c.party.id}/bans/${c.other.id}`), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/bans/9999999`), 404, 'PLAYER_NOT_FOUND');
      expect(await snapshot(t.app)).toEqual(before);
      await surface.call(c.owner, 'put', `/${c.party.id}/members/${c.other.id}/role`, { role: 2 });
      const promoted = await snapshot(t.app);
      expectStatus(await surface.call(c.admin, 'put', `/${c.party.id}/bans/${c.other.id}`), 403, 'PERMISSION_DENIED');
      expect(await snapshot(t.app)).toEqual(promoted);
    });

    it('disbands: the owner only, with memberships, requests and bans', async () => {
      const c = await crew(surface);
      await surface.call(c.owner, 'put', `/${c.party.id}/bans/${c.outsider.id}`);
      expectStatus(await surface.call(c.admin, 'post', `/${c.party.id}/disband`), 403, 'PERMISSION_DENIED');
      const res = await surface.call(c.owner, 'post', `/${c.party.id}/disband`);
      expectStatus(res, 200);
      expect(res.body.row).toMatchObject({ id: c.party.id, member_count: 4 });
      expectStatus(await t.api.web(c.member.token, 'get', `/${c.party.id}`), 404, 'PARTY_NOT_FOUND');
      expect(await t.db.query('SELECT * FROM membership WHERE party_id = ?', [c.party.id])).toEqual([]);
      expect(await t.db.query('SELECT * FROM party_ban WHERE party_id = ?', [c.party.id])).toEqual([]);
    });

    it("sets a member's own data and variables; nobody else may", async () => {
      const c = await crew(surface);
      const mine = await surface.call(c.member, 'put', `/${c.party.id}/members/me`, { data: 'ready', variables: { class: 'mage' } });
      expectStatus(mine, 200);
      expect(mine.body.row).toMatchObject({ player: c.member.id, data: 'ready', variables: { class: 'mage' } });
      const partial = await surface.call(c.member, 'put', `/${c.party.id}/members/${c.member.id}`, { variables: { class: 'tank' } });
      expect(partial.body.row).toMatchObject({ data: 'ready', variables: { class: 'tank' } });
      expectStatus(await surface.call(c.waiter, 'put', `/${c.party.id}/members/me`, { data: 'pls' }), 200);
      expectStatus(await surface.call(c.owner, 'put', `/${c.party.id}/members/${c.member.id}`, { data: 'hacked' }), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.admin, 'put', `/${c.party.id}/members/${c.member.id}`, { data: 'hacked' }), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.outsider, 'put', `/${c.party.id}/members/me`, { data: 'x' }), 404, 'MEMBERSHIP_NOT_FOUND');
      const member = (await t.api.web(c.owner.token, 'get', `/${c.party.id}/members?limit=100`)).body.list.find((m: { id: number }) => m.id === c.member.id);
      expect(member).toMatchObject({ data: 'ready', variables: { class: 'tank' } });
    });

    it('refuses bad member data with 400 and writes nothing', async () => {
      const c = await crew(surface);
      const before = await snapshot(t.app);
      for (const body of [{ data: 'é'.repeat(32 * 1024 + 1) }, { variables: { k: 1 } }, { variables: { constructor: 'x' } }, { role: 1 }, { data: null }]) {
        expectStatus(await surface.call(c.member, 'put', `/${c.party.id}/members/me`, body), 400, 'VALIDATION_FAILED');
      }
      expect(await snapshot(t.app)).toEqual(before);
    });

    it('lets admins edit the party and manage the waiting list, but not transfer ownership', async () => {
      const c = await crew(surface);
      expectStatus(await surface.call(c.admin, 'put', `/${c.party.id}`, { data: { name: 'by admin' } }), 200);
      expectStatus(await surface.call(c.admin, 'get', `/${c.party.id}/waiting`), 200);
      expectStatus(await surface.call(c.admin, 'put', `/${c.party.id}/waiting/${c.request.id}`), 200);
      expectStatus(await surface.call(c.admin, 'put', `/${c.party.id}`, { data: { owner: c.admin.id } }), 403, 'PERMISSION_DENIED');
      expectStatus(await surface.call(c.admin, 'put', `/${c.party.id}`, { data: { owner: c.owner.id, name: 'same owner' } }), 200);
    });
  });

  describe('trusted server acting as itself', () => {
    it('promotes, kicks the owner (ownership is handed over), bans, sets member data, disbands', async () => {
      const c = await crew(t.api.surfaces[1]);
      expectStatus(await t.api.trusted(undefined, 'put', `/${c.party.id}/members/${c.member.id}/role`, { role: 2 }), 200);
      expectStatus(await t.api.trusted(undefined, 'delete', `/${c.party.id}/members/${c.owner.id}`), 200);
      expect((await t.api.getParty(c.party.id)).owner).toBe(c.admin.id);
      const ban = await t.api.trusted(undefined, 'put', `/${c.party.id}/bans/${c.member.id}`);
      expect(ban.body.row.banned_by).toBeNull();
      expectStatus(await t.api.trusted(undefined, 'put', `/${c.party.id}/members/${c.other.id}`, { data: 'from server' }), 200);
      expectStatus(await t.api.trusted(undefined, 'put', `/${c.party.id}/members/me`, { data: 'x' }), 400, 'PLAYER_REQUIRED');
      expectStatus(await t.api.trusted(undefined, 'post', `/${c.party.id}/disband`), 200);
    });
  });
});
