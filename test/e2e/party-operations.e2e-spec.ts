import { beforeAll, describe, expect, it } from '@jest/globals';
import { expectStatus, Surface, TestPlayer } from '../support/api';
import { describeApi, useTestApp } from '../support/test-app';

/** Every operation, driven the same way through the Web API and through the Trusted API acting as the player. */
describeApi('party operations on both surfaces', () => {
  const t = useTestApp();

  describe.each(['web', 'trusted'] as const)('%s surface', (surfaceName) => {
    let surface: Surface;
    let owner: TestPlayer;
    let joiner: TestPlayer;

    beforeAll(async () => {
      surface = t.api.surfaces.find((s) => s.name === surfaceName)!;
      [owner, joiner] = await t.api.players(2);
    });

    it('creates a party: the creator owns it with an accepted membership', async () => {
      const res = await surface.call(owner, 'post', '', {
        data: {
          name: '  Raid  ',
          desc: 'd',
          image: 'i.png',
          max_member_count: 4,
          is_private: false,
          teams: ['red', 'blue'],
          channels: '["general"]',
          data: 'x',
          variables: { mode: 'ranked' },
        },
      });
      expectStatus(res, 200);
      expect(res.body.row).toEqual({
        id: expect.any(Number),
        name: 'Raid',
        desc: 'd',
        image: 'i.png',
        max_member_count: 4,
        is_private: false,
        teams: '["red","blue"]',
        channels: '["general"]',
        data: 'x',
        variables: { mode: 'ranked' },
        owner: owner.id,
        member_count: 1,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        version: 1,
      });
      const members = await surface.call(owner, 'get', `/${res.body.row.id}/members`);
      expect(members.body).toMatchObject({ totalCount: 1, list: [{ id: owner.id, role: 1, status: 1 }] });
    });

    it('applies defaults on create', async () => {
      const res = await surface.call(owner, 'post', '', { data: { name: 'Defaults' } });
      expect(res.body.row).toMatchObject({
        desc: '',
        image: '',
        max_member_count: 10,
        is_private: false,
        teams: '[]',
        channels: '[]',
        data: '',
        variables: {},
      });
    });

    it('gets a party', async () => {
      const party = await t.api.party(owner);
      const res = await surface.call(joiner, 'get', `/${party.id}`);
      expectStatus(res, 200);
      expect(res.body.row).toEqual(party);
      expectStatus(await surface.call(joiner, 'get', '/99999999'), 404, 'PARTY_NOT_FOUND');
    });

    it('lists and searches parties, newest first', async () => {
      const tag = `s${surfaceName}${Date.now()}`;
      const older = await t.api.party(owner, { name: `${tag} older` });
      const newer = await t.api.party(owner, { name: 'other', desc: `about ${tag.toUpperCase()}` });
      const res = await surface.call(joiner, 'get', `?query=${tag}`);
      expectStatus(res, 200);
      expect(res.body).toEqual({ list: [newer, older], totalCount: 2 });
      const all = await surface.call(joiner, 'get', '?limit=1');
      expect(all.body.list).toHaveLength(1);
      expect(all.body.totalCount).toBeGreaterThanOrEqual(2);
    });

    it('joins a public party (accepted) and lists members, owner first', async () => {
      const party = await t.api.party(owner, { teams: ['red'], channels: ['general', 'trade'] });
      const res = await surface.call(joiner, 'post', `/${party.id}`, { team: 'red', channels: ['trade'] });
      expectStatus(res, 200);
      expect(res.body.row).toEqual({
        id: expect.any(Number),
        party: party.id,
        player: joiner.id,
        role: 3,
        status: 1,
        data: '',
        variables: {},
        channels: '["trade"]',
        team: 'red',
      });
      const members = await surface.call(joiner, 'get', `/${party.id}/members`);
      expect(members.body.totalCount).toBe(2);
      expect(members.body.list.map((m: { id: number }) => m.id)).toEqual([owner.id, joiner.id]);
      expect(members.body.list[1]).toEqual({
        id: joiner.id,
        name: '',
        image: '',
        username: null,
        label: '',
        tags: '',
        is_ban: false,
        is_tester: false,
        is_guest: false,
        first_login: expect.any(String),
        last_login: expect.any(String),
        role: 3,
        status: 1,
        data: '',
        variables: {},
        channels: '["trade"]',
        team: 'red',
        membership: res.body.row.id,
      });
      expect((await t.api.getParty(party.id)).member_count).toBe(2);
    });

    it('joins a private party as a waiting request, which the owner accepts', async () => {
      const party = await t.api.party(owner, { is_private: true });
      const request = await surface.call(joiner, 'post', `/${party.id}`, {});
      expect(request.body.row).toMatchObject({ status: 0, role: 3, player: joiner.id });
      expect((await t.api.getParty(party.id)).member_count).toBe(1);

      const waiting = await surface.call(owner, 'get', `/${party.id}/waiting`);
      expect(waiting.body).toEqual({ list: [request.body.row], totalCount: 1 });

      const accepted = await surface.call(owner, 'put', `/${party.id}/waiting/${request.body.row.id}`);
      expectStatus(accepted, 200);
      expect(accepted.body.row).toEqual({ ...request.body.row, status: 1 });
      expect((await t.api.getParty(party.id)).member_count).toBe(2);
      expect((await surface.call(owner, 'get', `/${party.id}/waiting`)).body).toEqual({ list: [], totalCount: 0 });
    });

    it('rejects a join request', async () => {
      const party = await t.api.party(owner, { is_private: true });
      const request = await surface.call(joiner, 'post', `/${party.id}`, {});
      const res = await surface.call(owner, 'delete', `/${party.id}/waiting/${request.body.row.id}`);
      expectStatus(res, 200);
      expect(res.body).toEqual({ row: { ...request.body.row, status: 0 }, affected: 1 });
      expect((await surface.call(owner, 'get', `/${party.id}/waiting`)).body.totalCount).toBe(0);
      expectStatus(await surface.call(joiner, 'post', `/${party.id}`, {}), 200);
    });

    it("lists the player's parties (accepted memberships only)", async () => {
      const [player] = await t.api.players(1);
      const accepted = await t.api.party(owner);
      const pending = await t.api.party(owner, { is_private: true });
      await surface.call(player, 'post', `/${accepted.id}`, {});
      await surface.call(player, 'post', `/${pending.id}`, {});
      const own = await t.api.party(player, { name: 'mine' });
      const res = await surface.call(player, 'get', '/me');
      expectStatus(res, 200);
      expect(res.body.list.map((p: { id: number }) => p.id)).toEqual([own.id, accepted.id]);
      expect(res.body.totalCount).toBe(2);
      expect((await surface.call(player, 'get', '/me?query=mine')).body.list.map((p: { id: number }) => p.id)).toEqual([own.id]);
    });

    it('edits a party partially', async () => {
      const party = await t.api.party(owner, { desc: 'keep me', variables: { a: '1', b: '2' } });
      const res = await surface.call(owner, 'put', `/${party.id}`, {
        data: { name: 'Renamed', variables: { c: '3' }, is_private: true, id: party.id, owner: owner.id },
      });
      expectStatus(res, 200);
      expect(res.body.row).toEqual({ ...party, name: 'Renamed', variables: { c: '3' }, is_private: true, version: 2 });
      expect(await t.api.getParty(party.id)).toEqual(res.body.row);
    });

    it('leaves a party and returns the removed membership', async () => {
      const party = await t.api.party(owner);
      const joined = await surface.call(joiner, 'post', `/${party.id}`, {});
      const res = await surface.call(joiner, 'delete', `/${party.id}`);
      expectStatus(res, 200);
      expect(res.body).toEqual({ row: joined.body.row, affected: 1 });
      expect((await t.api.getParty(party.id)).member_count).toBe(1);
      expectStatus(await surface.call(joiner, 'delete', `/${party.id}`), 404, 'MEMBERSHIP_NOT_FOUND');
    });

    it('withdraws a join request by leaving', async () => {
      const party = await t.api.party(owner, { is_private: true });
      await surface.call(joiner, 'post', `/${party.id}`, {});
      expect((await surface.call(joiner, 'delete', `/${party.id}`)).body.row.status).toBe(0);
      expect((await surface.call(owner, 'get', `/${party.id}/waiting`)).body.totalCount).toBe(0);
    });
  });

  describe('trusted server acting as itself', () => {
    let member: TestPlayer;
    beforeAll(async () => {
      [member] = await t.api.players(1);
    });

    it('creates a party with no owner, which stays when its members leave', async () => {
      const created = await t.api.trusted(undefined, 'post', '', { data: { name: 'Server lobby' } });
      expectStatus(created, 200);
      expect(created.body.row).toMatchObject({ owner: 0, member_count: 0 });
      const id = created.body.row.id;
      expectStatus(await t.api.join(member, id), 200);
      expectStatus(await t.api.web(member.token, 'delete', `/${id}`), 200);
      expect(await t.api.getParty(id)).toMatchObject({ owner: 0, member_count: 0 });
    });

    it('manages any party: edit, waiting list, accept, reject, transfer', async () => {
      const [owner, a, b] = await t.api.players(3);
      const party = await t.api.party(owner, { is_private: true });
      const ra = (await t.api.join(a, party.id)).body.row;
      const rb = (await t.api.join(b, party.id)).body.row;
      expect((await t.api.trusted(undefined, 'get', `/${party.id}/waiting`)).body.totalCount).toBe(2);
      expectStatus(await t.api.trusted(undefined, 'put', `/${party.id}/waiting/${ra.id}`), 200);
      expect((await t.api.trusted(undefined, 'delete', `/${party.id}/waiting/${rb.id}`)).body).toEqual({ row: rb, affected: 1 });
      const edited = await t.api.trusted(undefined, 'put', `/${party.id}`, { data: { owner: a.id, name: 'Taken over' } });
      expect(edited.body.row).toMatchObject({ owner: a.id, name: 'Taken over' });
    });

    it.each([
      ['join', 'post', (id: number) => `/${id}`],
      ['leave', 'delete', (id: number) => `/${id}`],
      ['my parties', 'get', () => '/me'],
    ] as const)('answers %s without a player with 400 PLAYER_REQUIRED', async (_, method, path) => {
      const [owner] = await t.api.players(1);
      const party = await t.api.party(owner);
      expectStatus(await t.api.trusted(undefined, method, path(party.id), method === 'post' ? {} : undefined), 400, 'PLAYER_REQUIRED');
    });

    it('accepts `caller` on accept and reject, as the seeds do', async () => {
      const [owner, a] = await t.api.players(2);
      const party = await t.api.party(owner, { is_private: true });
      const request = (await t.api.join(a, party.id)).body.row;
      expectStatus(await t.api.trusted(owner.id, 'put', `/${party.id}/waiting/${request.id}`, undefined, 'caller'), 200);
      expectStatus(await t.api.trusted(a.id, 'get', `/${party.id}/waiting`, undefined, 'caller'), 403, 'PERMISSION_DENIED');
    });
  });
});
