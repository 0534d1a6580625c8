import { beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { PartySearch1764374400000 } from '../../src/database/migrations/1764374400000-party-search';
import { expectStatus, TestPlayer } from '../support/api';
import { setRole } from '../support/db';
import { snapshot } from '../support/db-snapshot';
import { describeApi, useTestApp } from '../support/test-app';

describeApi('party rules (SPEC §3, §4)', () => {
  let owner: TestPlayer;

  const t = useTestApp({ MAX_PARTY_SIZE: '20' });

  beforeAll(async () => {
    [owner] = await t.api.players(1);
  });

  describe('capacity', () => {
    it('refuses joining a full public party with 409 PARTY_FULL', async () => {
      const party = await t.api.party(owner, { max_member_count: 2 });
      const [a, b] = await t.api.players(2);
      expectStatus(await t.api.join(a, party.id), 200);
      expectStatus(await t.api.join(b, party.id), 409, 'PARTY_FULL');
      expect((await t.api.getParty(party.id)).member_count).toBe(2);
    });

    it('lets waiting requests pile up, but refuses accepting into a full party', async () => {
      const party = await t.api.party(owner, { max_member_count: 2, is_private: true });
      const [a, b] = await t.api.players(2);
      const ra = (await t.api.join(a, party.id)).body.row;
      const rb = (await t.api.join(b, party.id)).body.row;
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}/waiting/${ra.id}`), 200);
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}/waiting/${rb.id}`), 409, 'PARTY_FULL');
      expect((await t.api.web(owner.token, 'get', `/${party.id}/waiting`)).body.totalCount).toBe(1);
    });

    it('refuses a maximum below the member count with 409 CAPACITY_BELOW_MEMBERS', async () => {
      const party = await t.api.party(owner, { max_member_count: 3 });
      const [a] = await t.api.players(1);
      await t.api.join(a, party.id);
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}`, { data: { max_member_count: 1 } }), 409, 'CAPACITY_BELOW_MEMBERS');
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}`, { data: { max_member_count: 2 } }), 200);
    });

    it('caps max_member_count at MAX_PARTY_SIZE', async () => {
      const res = await t.api.web(owner.token, 'post', '', { data: { name: 'big', max_member_count: 21 } });
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toContain('max_member_count');
    });
  });

  describe('memberships', () => {
    it('allows one membership per player per party (409 ALREADY_MEMBER), the owner included', async () => {
      const party = await t.api.party(owner, { is_private: true });
      const [a] = await t.api.players(1);
      expectStatus(await t.api.join(a, party.id), 200);
      expectStatus(await t.api.join(a, party.id), 409, 'ALREADY_MEMBER');
      expectStatus(await t.api.join(owner, party.id), 409, 'ALREADY_MEMBER');
    });

    it('checks team and channels against the party', async () => {
      const party = await t.api.party(owner, { teams: ['red'], channels: ['general'] });
      const [a] = await t.api.players(1);
      expectStatus(await t.api.join(a, party.id, { team: 'blue' }), 400, 'INVALID_TEAM');
      expectStatus(await t.api.join(a, party.id, { channels: ['general', 'secret'] }), 400, 'INVALID_CHANNELS');
      expectStatus(await t.api.join(a, party.id, { team: null, channels: null }), 200);
    });

    it('answers 404 PARTY_NOT_FOUND when joining a missing party', async () => {
      const [a] = await t.api.players(1);
      expectStatus(await t.api.join(a, 7777777), 404, 'PARTY_NOT_FOUND');
    });
  });

  describe('ownership', () => {
    it('hands ownership to the longest-standing admin when the owner leaves', async () => {
      const [first, second, third] = await t.api.players(3);
      const party = await t.api.party(owner);
      for (const p of [first, second, third]) await t.api.join(p, party.id);
      await setRole(t.app, party.id, third.id, 2);
      expectStatus(await t.api.web(owner.token, 'delete', `/${party.id}`), 200);
      expect(await t.api.getParty(party.id)).toMatchObject({ owner: third.id, member_count: 3 });
      const roles = (await t.api.web(first.token, 'get', `/${party.id}/members`)).body.list.map((m: { id: number; role: number }) => [m.id, m.role]);
      expect(roles).toEqual([
        [third.id, 1],
        [first.id, 3],
        [second.id, 3],
      ]);
    });

    it('else to the longest-standing accepted member, skipping waiting requests', async () => {
      const party = await t.api.party(owner, { is_private: true });
      const [early, late] = await t.api.players(2);
      const r1 = (await t.api.join(early, party.id)).body.row;
      const r2 = (await t.api.join(late, party.id)).body.row;
      await t.api.web(owner.token, 'put', `/${party.id}/waiting/${r2.id}`);
      await t.api.web(owner.token, 'delete', `/${party.id}`);
      expect(await t.api.getParty(party.id)).toMatchObject({ owner: late.id, member_count: 1 });
      expect((await t.api.web(late.token, 'get', `/${party.id}/waiting`)).body.list.map((m: { id: number }) => m.id)).toEqual([r1.id]);
    });

    it('deletes the party with its waiting list when nobody is left', async () => {
      const [solo, waiter] = await t.api.players(2);
      const party = await t.api.party(solo, { is_private: true });
      await t.api.join(waiter, party.id);
      expectStatus(await t.api.web(solo.token, 'delete', `/${party.id}`), 200);
      expectStatus(await t.api.web(solo.token, 'get', `/${party.id}`), 404, 'PARTY_NOT_FOUND');
      expectStatus(await t.api.web(waiter.token, 'delete', `/${party.id}`), 404, 'PARTY_NOT_FOUND');
    });

    it('transfers ownership through edit: the old owner becomes a member', async () => {
      const [boss, heir] = await t.api.players(2);
      const party = await t.api.party(boss);
      await t.api.join(heir, party.id);
      const res = await t.api.web(boss.token, 'put', `/${party.id}`, { data: { owner: heir.id } });
      expect(res.body.row.owner).toBe(heir.id);
      const roles = (await t.api.web(boss.token, 'get', `/${party.id}/members`)).body.list.map((m: { id: number; role: number }) => [m.id, m.role]);
      expect(roles).toEqual([
        [heir.id, 1],
        [boss.id, 3],
      ]);
    });

    it('refuses transferring to anyone but an accepted member (400 INVALID_OWNER)', async () => {
      const [boss, waiter, outsider] = await t.api.players(3);
      const party = await t.api.party(boss, { is_private: true });
      await t.api.join(waiter, party.id);
      const before = await snapshot(t.app);
      for (const target of [waiter.id, outsider.id, 99999999]) {
        expectStatus(await t.api.web(boss.token, 'put', `/${party.id}`, { data: { owner: target, name: 'nope' } }), 400, 'INVALID_OWNER');
      }
      expect(await snapshot(t.app)).toEqual(before);
    });
  });

  describe('edit', () => {
    it('refuses an id that differs from the path', async () => {
      const party = await t.api.party(owner);
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}`, { data: { id: party.id + 1, name: 'x' } }), 400, 'VALIDATION_FAILED');
      expect((await t.api.getParty(party.id)).name).toBe('Test party');
    });

    it('clears removed teams and channels from memberships', async () => {
      const party = await t.api.party(owner, { teams: ['red', 'blue'], channels: ['a', 'b', 'c'] });
      const [x, y] = await t.api.players(2);
      await t.api.join(x, party.id, { team: 'red', channels: ['a', 'b'] });
      await t.api.join(y, party.id, { team: 'blue', channels: ['c'] });
      const res = await t.api.web(owner.token, 'put', `/${party.id}`, { data: { teams: '["blue"]', channels: ['b', 'c'] } });
      expect(res.body.row).toMatchObject({ teams: '["blue"]', channels: '["b","c"]' });
      const members = (await t.api.web(x.token, 'get', `/${party.id}/members`)).body.list;
      const byId = Object.fromEntries(members.map((m: { id: number; team: string | null; channels: string }) => [m.id, [m.team, m.channels]]));
      expect(byId[x.id]).toEqual([null, '["b"]']);
      expect(byId[y.id]).toEqual(['blue', '["c"]']);
    });

    it('compares team and channel names exactly, whatever the database collation', async () => {
      const party = await t.api.party(owner, { teams: ['Red'], channels: ['General'] });
      const [x] = await t.api.players(1);
      await t.api.join(x, party.id, { team: 'Red', channels: ['General'] });
      expectStatus(await t.api.join((await t.api.players(1))[0], party.id, { team: 'red' }), 400, 'INVALID_TEAM');
      await t.api.web(owner.token, 'put', `/${party.id}`, { data: { teams: ['red'], channels: ['general'] } });
      const member = (await t.api.web(x.token, 'get', `/${party.id}/members`)).body.list.find((m: { id: number }) => m.id === x.id);
      expect([member.team, member.channels]).toEqual([null, '[]']);
    });

    it('accepts an empty edit and changes nothing', async () => {
      const party = await t.api.party(owner);
      const res = await t.api.web(owner.token, 'put', `/${party.id}`, { data: {} });
      expect(res.body.row).toEqual(party);
    });
  });

  describe('accept and reject touch only waiting memberships of that party', () => {
    it('answers 404 MEMBERSHIP_NOT_FOUND for accepted, foreign or missing memberships', async () => {
      const party = await t.api.party(owner, { is_private: true });
      const other = await t.api.party(owner, { is_private: true });
      const [a, b] = await t.api.players(2);
      const accepted = (await t.api.join(a, party.id)).body.row;
      await t.api.web(owner.token, 'put', `/${party.id}/waiting/${accepted.id}`);
      const foreign = (await t.api.join(b, other.id)).body.row;
      const before = await snapshot(t.app);
      for (const id of [accepted.id, foreign.id, 99999999]) {
        expectStatus(await t.api.web(owner.token, 'put', `/${party.id}/waiting/${id}`), 404, 'MEMBERSHIP_NOT_FOUND');
        expectStatus(await t.api.web(owner.token, 'delete', `/${party.id}/waiting/${id}`), 404, 'MEMBERSHIP_NOT_FOUND');
      }
      expect(await snapshot(t.app)).toEqual(before);
    });
  });

  describe('search and paging', () => {
    it('takes %, _ and \\ literally and ignores case', async () => {
      const names = ['100% fun', '100 fun', 'a_b club', 'axb club', 'back\\slash', 'backslash'];
      const ids = Object.fromEntries(await Promise.all(names.map(async (name) => [name, (await t.api.party(owner, { name })).id])));
      const search = async (query: string) =>
        (await t.api.web(owner.token, 'get', `?query=${encodeURIComponent(query)}&limit=100`)).body.list.map((p: { name: string }) => p.name).sort();
      expect(await search('0% F')).toEqual(['100% fun']);
      expect(await search('A_B')).toEqual(['a_b club']);
      expect(await search('k\\s')).toEqual(['back\\slash']);
      await t.api.party(owner, { name: 'Äpfel Über alles' });
      expect(await search('Äpfel Ü')).toEqual(['Äpfel Über alles']);
      expect(ids).toBeDefined();
    });

    it('ignores accents, width and case, on names and descriptions alike, but never across the two', async () => {
      const tag = `fold${Date.now()}`;
      const pokemon = await t.api.party(owner, { name: `Pokémon ${tag}`, desc: 'ＢＩＧ Ｌｅａｇｕｅ' });
      const search = async (query: string) => (await t.api.web(owner.token, 'get', `?query=${encodeURIComponent(query)}&limit=100`)).body;
      for (const query of [`pokemon ${tag}`, `POKÉMON ${tag}`, 'big league', 'ｂｉｇ ＬＥＡ']) {
        expect((await search(query)).list.map((p: { id: number }) => p.id)).toContain(pokemon.id);
      }
      expect((await search(`${tag}big`)).list).toEqual([]); // the end of the name and the start of the description
      expect(await search(`MON ${tag}`)).toMatchObject({ totalCount: 1, list: [{ id: pokemon.id }] });
      expect(await search('\u0301')).toEqual({ list: [], totalCount: 0 }); // only an accent: nothing to find, not everything
      expect((await t.api.web(owner.token, 'get', `/me?query=${encodeURIComponent('\u0301')}`)).body).toEqual({ list: [], totalCount: 0 });
    });

    it('finds a party by its new name at once after an edit, by neither name once it is deleted, and by one or two characters', async () => {
      const tag = `edit${Date.now()}`;
      const party = await t.api.party(owner, { name: `old ${tag}` });
      const found = async (query: string) => (await t.api.web(owner.token, 'get', `?query=${encodeURIComponent(query)}`)).body.totalCount as number;
      expect(await found(`old ${tag}`)).toBe(1);
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}`, { data: { name: `new ${tag}` } }), 200);
      expect([await found(`old ${tag}`), await found(`new ${tag}`)]).toEqual([0, 1]);
      const mine = (await t.api.web(owner.token, 'get', `/me?query=${encodeURIComponent(`NEW ${tag}`)}`)).body;
      expect(mine).toMatchObject({ totalCount: 1, list: [{ id: party.id }] });
      expect((await t.api.web(owner.token, 'get', `?query=${encodeURIComponent('ш')}`)).body.totalCount).toBe(0);
      await t.api.party(owner, { name: `Шш ${tag}` });
      expect((await t.api.web(owner.token, 'get', `?query=${encodeURIComponent('ш')}`)).body.totalCount).toBe(1);
      expectStatus(await t.api.web(owner.token, 'delete', `/${party.id}`), 200);
      expect(await found(`new ${tag}`)).toBe(0);
    });

    it('finds parties created before the search index existed: its migration indexes them, and resumes where it was interrupted', async () => {
      const tag = `backfill${Date.now()}`;
      const party = await t.api.party(owner, { name: `Écho ${tag}`, desc: 'x'.repeat(5) });
      const found = async () => (await t.api.web(owner.token, 'get', `?query=${encodeURIComponent(`echo ${tag}`)}`)).body;
      const dataSource = t.app.app.get(DataSource);
      const runner = dataSource.createQueryRunner();
      const migration = new PartySearch1764374400000();
      try {
        await migration.down(runner);
        await migration.up(runner);
        expect(await found()).toMatchObject({ totalCount: 1, list: [{ id: party.id }] });
        // Interrupted after its tables (MySQL commits CREATE TABLE) and before this party: run again, it indexes the rest.
        await dataSource.query('DELETE FROM party_search WHERE party_id = ?', [party.id]);
        expect((await found()).list).toEqual([]); // (the count is reused: the bus heard of no change)
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      expect(await found()).toMatchObject({ totalCount: 1, list: [{ id: party.id }] });
    });

    it('pages with skip and limit', async () => {
      const tag = `page${Date.now()}`;
      for (let i = 0; i < 5; i++) await t.api.party(owner, { name: `${tag} ${i}` });
      const page = await t.api.web(owner.token, 'get', `?query=${tag}&skip=1&limit=2`);
      expect(page.body.totalCount).toBe(5);
      expect(page.body.list.map((p: { name: string }) => p.name)).toEqual([`${tag} 3`, `${tag} 2`]);
    });

    it.each(['limit=0', 'limit=101', 'limit=abc', 'skip=-1', 'skip=1.5'])('refuses %s with 400 naming the field', async (query) => {
      const res = await t.api.web(owner.token, 'get', `?${query}`);
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toContain(query.split('=')[0]);
    });
  });

  describe('input limits: 400 VALIDATION_FAILED naming the field, nothing written', () => {
    const tooMany = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const cases: [string, Record<string, unknown>][] = [
      ['name', { name: '' }],
      ['name', { name: '   ' }],
      ['name', { name: 'n'.repeat(129) }],
      ['name', { name: 5 }],
      ['desc', { desc: 'd'.repeat(2001) }],
      ['desc', { desc: null }],
      ['image', { image: 'i'.repeat(2049) }],
      ['max_member_count', { max_member_count: -1 }],
      ['max_member_count', { max_member_count: 2.5 }],
      ['max_member_count', { max_member_count: '5' }],
      ['is_private', { is_private: 'yes' }],
      ['teams', { teams: tooMany(51) }],
      ['teams', { teams: ['a', 'a'] }],
      ['teams', { teams: ['t'.repeat(65)] }],
      ['teams', { teams: [''] }],
      ['teams', { teams: 'not json' }],
      ['channels', { channels: [1, 2] }],
      ['variables', { variables: Object.fromEntries(tooMany(51).map((k) => [k, 'v'])) }],
      ['variables', { variables: { ['k'.repeat(65)]: 'v' } }],
      ['variables', { variables: { k: 'v'.repeat(1025) } }],
      ['variables', { variables: { k: 5 } }],
      ['variables', { variables: ['a'] }],
      ['variables', { variables: { constructor: 'x' } }],
      ['data', { data: 'é'.repeat(32 * 1024 + 1) }],
      ['data', { data: 5 }],
      ['owner', { owner: 1 }],
      ['member_count', { member_count: 3 }],
      ['created_at', { created_at: '2020-01-01' }],
      ['id', { id: 1 }],
      ['unknown', { unknown: 1 }],
    ];

    it.each(cases)('create refuses a bad %s', async (field, fields) => {
      const before = await snapshot(t.app);
      const res = await t.api.web(owner.token, 'post', '', { data: { name: 'ok', ...fields } });
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toContain(field);
      expect(await snapshot(t.app)).toEqual(before);
    });

    it('accepts exactly 64 KiB of data in UTF-8 and the largest allowed lists and maps, in 3-byte characters', async () => {
      // 50 variables of 1,024 "€" are about 160 KB of JSON: more than a MySQL TEXT column holds.
      const variables = Object.fromEntries(tooMany(50, '€'.repeat(62)).map((k) => [k, '€'.repeat(1024)]));
      const teams = tooMany(50, '€'.repeat(62));
      const res = await t.api.web(owner.token, 'post', '', {
        data: { name: '€'.repeat(128), data: 'é'.repeat(32 * 1024), teams, channels: teams, variables },
      });
      expectStatus(res, 200);
      const stored = await t.api.getParty(res.body.row.id);
      expect(Buffer.byteLength(stored.data as string)).toBe(64 * 1024);
      expect(stored.variables).toEqual(variables);
      expect(JSON.parse(stored.teams as string)).toEqual(teams);
      const [member] = await t.api.players(1);
      await t.api.join(member, res.body.row.id);
      expectStatus(await t.api.web(member.token, 'put', `/${res.body.row.id}/members/me`, { data: 'é'.repeat(32 * 1024), variables }), 200);
    });

    it('counts characters, not UTF-16 units: 64 emoji make a valid team name', async () => {
      expectStatus(
        await t.api.web(owner.token, 'post', '', { data: { name: 'emoji', teams: ['😀'.repeat(64)], variables: { ['😀'.repeat(64)]: '😀'.repeat(1024) } } }),
        200,
      );
      expectStatus(await t.api.web(owner.token, 'post', '', { data: { name: 'emoji', teams: ['😀'.repeat(65)] } }), 400, 'VALIDATION_FAILED');
    });

    it('edit refuses bad fields and writes nothing', async () => {
      const party = await t.api.party(owner);
      const before = await snapshot(t.app);
      // owner and id may repeat the current values, member_count and created_at are ignored on edit (SPEC §4)
      for (const [field, fields] of cases.filter(([f]) => !['owner', 'id', 'member_count', 'created_at'].includes(f))) {
        const res = await t.api.web(owner.token, 'put', `/${party.id}`, { data: fields });
        expectStatus(res, 400, 'VALIDATION_FAILED');
        expect(res.body.message).toContain(field);
      }
      expect(await snapshot(t.app)).toEqual(before);
    });

    it.each([
      ['a body without data', {}],
      ['data that is not an object', { data: 'x' }],
    ])('refuses %s', async (_, body) => {
      expectStatus(await t.api.web(owner.token, 'post', '', body), 400, 'VALIDATION_FAILED');
    });

    it.each(['0', '-3', 'abc', '2147483648', '1e3'])('refuses party id %s with 400', async (id) => {
      const res = await t.api.web(owner.token, 'get', `/${id}`);
      expectStatus(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toContain('partyId');
    });

    it('refuses a bad join body', async () => {
      const party = await t.api.party(owner);
      const [a] = await t.api.players(1);
      for (const body of [{ team: 5 }, { channels: 'x' }, { channels: ['a', 'a'] }, { role: 1 }]) {
        expectStatus(await t.api.join(a, party.id, body), 400, 'VALIDATION_FAILED');
      }
      expect((await t.api.getParty(party.id)).member_count).toBe(1);
    });
  });
});
