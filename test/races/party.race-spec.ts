import { expect, it } from '@jest/globals';
import { Response } from 'supertest';
import { expectStatus } from '../support/api';
import { invariantsOf } from '../support/db';
import { describeApi, useTestApp } from '../support/test-app';

const statuses = (responses: Response[]) => responses.map((res) => res.status).sort();
const count = (responses: Response[], status: number, code?: string) =>
  responses.filter((res) => res.status === status && (code === undefined || res.body.code === code)).length;

/** Real concurrent HTTP requests against one service; SQL then checks the invariants. */
describeApi('races on one service process', () => {
  const t = useTestApp();

  it('32 concurrent joins into a party of 5: exactly 4 succeed, member_count 5', async () => {
    const [owner, ...joiners] = await t.api.players(33);
    const party = await t.api.party(owner, { max_member_count: 5 });
    const results = await Promise.all(joiners.map((player) => t.api.join(player, party.id)));
    expect(count(results, 200)).toBe(4);
    expect(count(results, 409, 'PARTY_FULL')).toBe(28);
    expect(statuses(results).every((s) => s < 500)).toBe(true);
    const state = await invariantsOf(t.db, party.id);
    expect(state).toMatchObject({ memberCount: 5, acceptedRows: 5, owners: [owner.id] });
  });

  it('concurrent accepts into a nearly full private party: only the free seats are filled', async () => {
    const [owner, ...requesters] = await t.api.players(13);
    const party = await t.api.party(owner, { max_member_count: 4, is_private: true });
    const requests = await Promise.all(requesters.map(async (player) => (await t.api.join(player, party.id)).body.row.id as number));
    const results = await Promise.all(requests.map((id) => t.api.web(owner.token, 'put', `/${party.id}/waiting/${id}`)));
    expect(count(results, 200)).toBe(3);
    expect(count(results, 409, 'PARTY_FULL')).toBe(9);
    expect(await invariantsOf(t.db, party.id)).toMatchObject({ memberCount: 4, acceptedRows: 4 });
  });

  it('the same request accepted 8 times at once is accepted once', async () => {
    const [owner, requester] = await t.api.players(2);
    const party = await t.api.party(owner, { is_private: true });
    const request = (await t.api.join(requester, party.id)).body.row;
    const results = await Promise.all(Array.from({ length: 8 }, () => t.api.web(owner.token, 'put', `/${party.id}/waiting/${request.id}`)));
    expect(count(results, 200)).toBe(1);
    expect(count(results, 404, 'MEMBERSHIP_NOT_FOUND')).toBe(7);
    expect(await invariantsOf(t.db, party.id)).toMatchObject({ memberCount: 2, acceptedRows: 2 });
  });

  it('one player joining 8 times at once gets exactly one membership', async () => {
    const [owner, player] = await t.api.players(2);
    const party = await t.api.party(owner);
    const results = await Promise.all(Array.from({ length: 8 }, () => t.api.join(player, party.id)));
    expect(count(results, 200)).toBe(1);
    expect(count(results, 409, 'ALREADY_MEMBER')).toBe(7);
    expect(await invariantsOf(t.db, party.id)).toMatchObject({ memberCount: 2, acceptedRows: 2 });
  });

  it('the owner and several members leaving at once leave exactly one owner', async () => {
    const [owner, ...members] = await t.api.players(10);
    const party = await t.api.party(owner);
    for (const member of members) expectStatus(await t.api.join(member, party.id), 200);
    const leavers = [owner, ...members.slice(0, 6)];
    const results = await Promise.all(leavers.map((player) => t.api.web(player.token, 'delete', `/${party.id}`)));
    expect(count(results, 200)).toBe(leavers.length);
    const state = await invariantsOf(t.db, party.id);
    expect(state).toMatchObject({ exists: true, memberCount: 3, acceptedRows: 3 });
    expect(state.owners).toHaveLength(1);
    expect(state.ownerId).toBe(state.owners[0]);
    expect(members.slice(6).map((m) => m.id)).toContain(state.owners[0]);
  });

  it('everyone leaving at once deletes the party and leaves nothing behind', async () => {
    const [owner, ...members] = await t.api.players(6);
    const party = await t.api.party(owner);
    for (const member of members) await t.api.join(member, party.id);
    const results = await Promise.all([owner, ...members].map((player) => t.api.web(player.token, 'delete', `/${party.id}`)));
    expect(count(results, 200)).toBe(6);
    expect(await invariantsOf(t.db, party.id)).toMatchObject({ exists: false, acceptedRows: 0 });
  });

  it('an ownership transfer racing the owner leaving never yields two owners', async () => {
    for (let round = 0; round < 5; round++) {
      const [owner, heir, other] = await t.api.players(3);
      const party = await t.api.party(owner);
      await t.api.join(heir, party.id);
      await t.api.join(other, party.id);
      await Promise.all([
        t.api.web(owner.token, 'put', `/${party.id}`, { data: { owner: heir.id } }),
        t.api.web(owner.token, 'delete', `/${party.id}`),
        t.api.web(other.token, 'delete', `/${party.id}`),
      ]);
      const state = await invariantsOf(t.db, party.id);
      expect(state.owners).toHaveLength(1);
      expect(state.ownerId).toBe(state.owners[0]);
      expect(state.memberCount).toBe(state.acceptedRows);
    }
  });
});
