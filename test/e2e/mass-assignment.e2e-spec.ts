import { beforeAll, describe, expect, it } from '@jest/globals';
import { Response } from 'supertest';
import { Api, expectStatus, Method, TestPlayer, TRUSTED, WEB } from '../support/api';
import { snapshot, snapshotDiff } from '../support/db-snapshot';
import { describeApi, TestApp, useTestApp } from '../support/test-app';

/*
 * Mass assignment: fields a caller must never set (ids, ownership, counts, timestamps, roles, statuses,
 * a player's ban on creation) and unknown fields are refused with 400 VALIDATION_FAILED naming the
 * field, and nothing is written. `__proto__`, `constructor` and `prototype` keys are refused anywhere
 * in a JSON body (sent as raw JSON: an object literal would swallow `__proto__`).
 */

/** A request the test sends: a surface's prefix is already in `path`. */
interface Target {
  name: string;
  method: Method;
  path: string;
  headers: Record<string, string>;
  /** the body with `field: value` added where a mass assignment would put it */
  body: (field: string, value: unknown) => Record<string, unknown>;
  /** what the message must name for `field` */
  fieldPath: (field: string) => string;
}

/** Plausible values an attacker would send for each field. */
function attackValues(ids: { other: number; party: number; otherParty: number }): Record<string, unknown> {
  return {
    owner: ids.other,
    id: 424242,
    member_count: 999,
    created_at: '2000-01-01T00:00:00.000Z',
    role: 1,
    status: 1,
    party: ids.otherParty,
    player: ids.other,
    is_ban: true,
    first_login: '2000-01-01T00:00:00.000Z',
    last_login: '2000-01-01T00:00:00.000Z',
    max_member_count_override: 5000,
    unknown_field: 'x',
  };
}

const PARTY_FORBIDDEN_ON_CREATE = ['owner', 'id', 'member_count', 'created_at', 'role', 'status', 'party', 'player', 'is_ban', 'unknown_field'];
// member_count and created_at (and version) are the read-only fields a GET returned: edit accepts and ignores them (SPEC §4).
const PARTY_FORBIDDEN_ON_EDIT = ['role', 'status', 'party', 'player', 'is_ban', 'unknown_field'];
const MEMBERSHIP_FORBIDDEN = ['owner', 'id', 'member_count', 'created_at', 'role', 'status', 'party', 'player', 'is_ban', 'unknown_field'];
const MEMBER_DATA_FORBIDDEN = [...MEMBERSHIP_FORBIDDEN, 'team', 'channels'];
const PLAYER_FORBIDDEN_ON_CREATE = [
  'is_ban',
  'id',
  'created_at',
  'first_login',
  'last_login',
  'owner',
  'role',
  'status',
  'party',
  'player',
  'member_count',
  'unknown_field',
];
const PLAYER_FORBIDDEN_ON_EDIT = [
  'id',
  'created_at',
  'first_login',
  'last_login',
  'owner',
  'role',
  'status',
  'party',
  'player',
  'member_count',
  'unknown_field',
];

describeApi('mass assignment and prototype keys', () => {
  const t = useTestApp();
  let app: TestApp;
  let api: Api;
  let owner: TestPlayer;
  let admin: TestPlayer;
  let member: TestPlayer;
  let waiter: TestPlayer;
  let outsider: TestPlayer;
  let other: TestPlayer;
  let partyId: number;
  let otherPartyId: number;
  let values: Record<string, unknown>;

  beforeAll(async () => {
    ({ app, api } = t);
    [owner, admin, member, waiter, outsider, other] = await api.players(6);
    const party = await api.party(owner, { teams: ['red'], channels: ['general'], variables: { mode: 'ranked' } });
    partyId = party.id;
    otherPartyId = (await api.party(other)).id;
    expectStatus(await api.join(admin, partyId), 200);
    expectStatus(await api.join(member, partyId), 200);
    expectStatus(await api.web(owner.token, 'put', `/${partyId}/members/${admin.id}/role`, { role: 2 }), 200);
    expectStatus(await api.web(owner.token, 'put', `/${partyId}`, { data: { is_private: true } }), 200);
    expectStatus(await api.join(waiter, partyId), 200);
    values = attackValues({ other: other.id, party: partyId, otherParty: otherPartyId });
  });
  const web = (player: TestPlayer) => ({ authorization: `Bearer ${player.token}` });
  const key = () => ({ 'x-server-key': app.serverKey });

  /** Sends, and proves that the answer is 400 VALIDATION_FAILED naming `named`, with nothing written anywhere. */
  async function expectRefused(send: () => Promise<Response>, named: string): Promise<void> {
    const before = await snapshot(app);
    const res = await send();
    const wrote = snapshotDiff(before, await snapshot(app));
    const problems = [
      res.status !== 400 || res.body?.code !== 'VALIDATION_FAILED' ? `expected 400 VALIDATION_FAILED, got ${res.status} ${JSON.stringify(res.body)}` : null,
      res.status === 400 && !String(res.body?.message).includes(named) ? `the message does not name "${named}": ${JSON.stringify(res.body?.message)}` : null,
      wrote !== null ? `it wrote:\n${wrote}` : null,
    ].filter((problem) => problem !== null);
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }

  /** The party write targets, on both surfaces and as each kind of caller that may use them. */
  function partyTargets(): Target[] {
    const inData = (base: Record<string, unknown>) => (field: string, value: unknown) => ({ data: { ...base, [field]: value } });
    const dataPath = (field: string) => `data.${field}`;
    return [
      { name: 'web create', method: 'post', path: WEB, headers: web(outsider), body: inData({ name: 'x' }), fieldPath: dataPath },
      {
        name: 'trusted create as a player',
        method: 'post',
        path: `${TRUSTED}?player=${outsider.id}`,
        headers: key(),
        body: inData({ name: 'x' }),
        fieldPath: dataPath,
      },
      { name: 'trusted create as the server', method: 'post', path: TRUSTED, headers: key(), body: inData({ name: 'x' }), fieldPath: dataPath },
    ];
  }

  describe('create party', () => {
    it.each(PARTY_FORBIDDEN_ON_CREATE)('refuses data.%s on every surface and writes nothing', async (field) => {
      for (const target of partyTargets()) {
        await expectRefused(() => api.send(target.method, target.path, target.headers, target.body(field, values[field])), target.fieldPath(field)).catch(
          (error: Error) => {
            throw new Error(`${target.name}: ${error.message}`);
          },
        );
      }
    });

    it.each(['owner', 'id', 'member_count', 'player', 'unknown_field'])('refuses %s next to data, at the top level', async (field) => {
      for (const target of partyTargets()) {
        await expectRefused(() => api.send(target.method, target.path, target.headers, { data: { name: 'x' }, [field]: values[field] }), field);
      }
    });

    it('refuses unknown fields nested inside data, and objects where data holds a string', async () => {
      for (const target of partyTargets()) {
        const send = (data: Record<string, unknown>) => () => api.send(target.method, target.path, target.headers, { data: { name: 'x', ...data } });
        await expectRefused(send({ extra: { owner: other.id } }), 'data.extra');
        await expectRefused(send({ data: { owner: other.id } }), 'data.data');
        await expectRefused(send({ variables: { a: { owner: other.id } } }), 'data.variables');
        await expectRefused(send({ teams: [{ name: 'red', owner: other.id }] }), 'data.teams');
        await expectRefused(send({ desc: { owner: other.id } }), 'data.desc');
      }
    });
  });

  describe('edit party', () => {
    const editTargets = (): Target[] => [
      {
        name: 'web, owner',
        method: 'put',
        path: `${WEB}/${partyId}`,
        headers: web(owner),
        body: (f, v) => ({ data: { [f]: v } }),
        fieldPath: (f) => `data.${f}`,
      },
      {
        name: 'web, admin',
        method: 'put',
        path: `${WEB}/${partyId}`,
        headers: web(admin),
        body: (f, v) => ({ data: { [f]: v } }),
        fieldPath: (f) => `data.${f}`,
      },
      {
        name: 'trusted, owner',
        method: 'put',
        path: `${TRUSTED}/${partyId}?player=${owner.id}`,
        headers: key(),
        body: (f, v) => ({ data: { [f]: v } }),
        fieldPath: (f) => `data.${f}`,
      },
      {
        name: 'trusted, server',
        method: 'put',
        path: `${TRUSTED}/${partyId}`,
        headers: key(),
        body: (f, v) => ({ data: { [f]: v } }),
        fieldPath: (f) => `data.${f}`,
      },
    ];

    it.each(PARTY_FORBIDDEN_ON_EDIT)('refuses data.%s (alone and next to a valid change) and writes nothing', async (field) => {
      for (const target of editTargets()) {
        await expectRefused(() => api.send(target.method, target.path, target.headers, target.body(field, values[field])), target.fieldPath(field));
        await expectRefused(
          () => api.send(target.method, target.path, target.headers, { data: { name: 'changed', [field]: values[field] } }),
          target.fieldPath(field),
        );
      }
    });

    it('ignores the read-only member_count, created_at and version a GET returned (SPEC §4), and writes nothing', async () => {
      for (const target of editTargets()) {
        const before = await snapshot(app);
        const res = await api.send(target.method, target.path, target.headers, {
          data: { member_count: 999, created_at: '2000-01-01T00:00:00.000Z', version: 77 },
        });
        expectStatus(res, 200);
        expect(res.body.row).toMatchObject({ member_count: 3 });
        expect(res.body.row.created_at).not.toBe('2000-01-01T00:00:00.000Z');
        expect(snapshotDiff(before, await snapshot(app))).toBeNull();
      }
    });

    it('refuses an id that is not the path id, and writes nothing', async () => {
      for (const target of editTargets()) {
        await expectRefused(() => api.send(target.method, target.path, target.headers, { data: { id: otherPartyId, name: 'moved' } }), 'data.id');
      }
    });

    it('refuses nested unknown fields and objects in string fields', async () => {
      for (const target of editTargets()) {
        await expectRefused(() => api.send(target.method, target.path, target.headers, { data: { extra: { member_count: 1 } } }), 'data.extra');
        await expectRefused(() => api.send(target.method, target.path, target.headers, { data: { data: { owner: other.id } } }), 'data.data');
        await expectRefused(() => api.send(target.method, target.path, target.headers, { data: { variables: { k: { role: 1 } } } }), 'data.variables');
        await expectRefused(() => api.send(target.method, target.path, target.headers, { data: { owner: other.id, extra: 1 } }), 'data.extra');
      }
    });

    it('accepts id equal to the path id and owner equal to the current owner, and changes nothing else', async () => {
      for (const target of editTargets()) {
        const before = await snapshot(app);
        const res = await api.send(target.method, target.path, target.headers, { data: { id: partyId, owner: owner.id } });
        expectStatus(res, 200);
        expect(res.body.row).toMatchObject({ id: partyId, owner: owner.id, member_count: 3 });
        expect(snapshotDiff(before, await snapshot(app))).toBeNull();
      }
    });

    it('with id and the current owner next to a change, changes only that field', async () => {
      for (const [i, target] of editTargets().entries()) {
        const before = await api.getParty(partyId);
        const res = await api.send(target.method, target.path, target.headers, { data: { id: partyId, owner: owner.id, desc: `desc ${i}` } });
        expectStatus(res, 200);
        expect(await api.getParty(partyId)).toEqual({ ...before, desc: `desc ${i}`, version: (before.version as number) + 1 });
      }
    });
  });

  describe('join', () => {
    const joinTargets = (): Target[] => [
      { name: 'web', method: 'post', path: `${WEB}/${partyId}`, headers: web(outsider), body: (f, v) => ({ [f]: v }), fieldPath: (f) => f },
      {
        name: 'trusted',
        method: 'post',
        path: `${TRUSTED}/${partyId}?player=${outsider.id}`,
        headers: key(),
        body: (f, v) => ({ [f]: v }),
        fieldPath: (f) => f,
      },
    ];

    it.each([...MEMBERSHIP_FORBIDDEN, 'data', 'variables'])('refuses %s (alone and next to a valid team) and writes nothing', async (field) => {
      for (const target of joinTargets()) {
        const value = field === 'data' ? 'x' : field === 'variables' ? { a: 'b' } : values[field];
        await expectRefused(() => api.send(target.method, target.path, target.headers, target.body(field, value)), target.fieldPath(field));
        await expectRefused(
          () => api.send(target.method, target.path, target.headers, { team: 'red', channels: ['general'], [field]: value }),
          target.fieldPath(field),
        );
      }
    });

    it('refuses objects inside team and channels', async () => {
      for (const target of joinTargets()) {
        await expectRefused(() => api.send(target.method, target.path, target.headers, { team: { name: 'red', role: 1 } }), 'team');
        await expectRefused(() => api.send(target.method, target.path, target.headers, { channels: [{ name: 'general', role: 1 }] }), 'channels');
      }
    });
  });

  describe('member data and roles', () => {
    const memberTargets = (): Target[] => [
      {
        name: 'web, me',
        method: 'put',
        path: `${WEB}/${partyId}/members/me`,
        headers: web(member),
        body: (f, v) => ({ data: 'ok', [f]: v }),
        fieldPath: (f) => f,
      },
      {
        name: 'web, by id',
        method: 'put',
        path: `${WEB}/${partyId}/members/${member.id}`,
        headers: web(member),
        body: (f, v) => ({ [f]: v }),
        fieldPath: (f) => f,
      },
      {
        name: 'web, waiting requester',
        method: 'put',
        path: `${WEB}/${partyId}/members/me`,
        headers: web(waiter),
        body: (f, v) => ({ [f]: v }),
        fieldPath: (f) => f,
      },
      {
        name: 'trusted, me',
        method: 'put',
        path: `${TRUSTED}/${partyId}/members/me?player=${member.id}`,
        headers: key(),
        body: (f, v) => ({ variables: {}, [f]: v }),
        fieldPath: (f) => f,
      },
      {
        name: 'trusted, server',
        method: 'put',
        path: `${TRUSTED}/${partyId}/members/${member.id}`,
        headers: key(),
        body: (f, v) => ({ [f]: v }),
        fieldPath: (f) => f,
      },
    ];

    it.each(MEMBER_DATA_FORBIDDEN)('refuses %s in member data and writes nothing', async (field) => {
      for (const target of memberTargets()) {
        const value = field === 'team' ? 'red' : field === 'channels' ? ['general'] : values[field];
        await expectRefused(() => api.send(target.method, target.path, target.headers, target.body(field, value)), target.fieldPath(field)).catch(
          (error: Error) => {
            throw new Error(`${target.name}: ${error.message}`);
          },
        );
      }
    });

    it('refuses objects where member data holds a string, and nested values in variables', async () => {
      for (const target of memberTargets()) {
        await expectRefused(() => api.send(target.method, target.path, target.headers, { data: { role: 1 } }), 'data');
        await expectRefused(() => api.send(target.method, target.path, target.headers, { variables: { role: { value: '1' } } }), 'variables');
      }
    });

    it.each(['status', 'player', 'party', 'owner', 'unknown_field'])('refuses %s next to role', async (field) => {
      for (const [path, headers] of [
        [`${WEB}/${partyId}/members/${member.id}/role`, web(owner)],
        [`${TRUSTED}/${partyId}/members/${member.id}/role`, key()],
      ] as const) {
        await expectRefused(() => api.send('put', path, headers, { role: 2, [field]: values[field] }), field);
      }
    });
  });

  describe('players', () => {
    it.each(PLAYER_FORBIDDEN_ON_CREATE)('create refuses data.%s and writes nothing', async (field) => {
      await expectRefused(() => api.server('post', '/server/players', { data: { name: 'new', [field]: values[field] } }), `data.${field}`);
      await expectRefused(() => api.server('post', '/server/players', { data: { [field]: values[field] } }), `data.${field}`);
    });

    it.each(PLAYER_FORBIDDEN_ON_EDIT)('edit refuses data.%s and writes nothing', async (field) => {
      await expectRefused(() => api.server('put', `/server/players/${member.id}`, { data: { name: 'renamed', [field]: values[field] } }), `data.${field}`);
      await expectRefused(() => api.server('put', `/server/players/${member.id}`, { data: { [field]: values[field] } }), `data.${field}`);
    });

    it('refuses fields next to data, and objects in string fields', async () => {
      await expectRefused(() => api.server('post', '/server/players', { data: { name: 'x' }, is_ban: true }), 'is_ban');
      await expectRefused(() => api.server('post', '/server/players', { data: { name: 'x', tags: { is_ban: true } } }), 'data.tags');
      await expectRefused(() => api.server('put', `/server/players/${member.id}`, { data: { name: 'x' }, id: 1 }), 'id');
      await expectRefused(() => api.server('put', `/server/players/${member.id}`, { data: { label: { is_ban: true } } }), 'data.label');
    });

    it.each(['is_ban', 'id', 'is_guest', 'is_tester', 'username', 'created_at', 'unknown_field'])(
      'guest sign-in refuses %s and writes nothing',
      async (field) => {
        const value = field === 'is_guest' ? false : field === 'is_tester' ? true : field === 'username' ? 'admin' : values[field];
        await expectRefused(() => api.send('post', '/api/auth/guest', {}, { name: 'guest', [field]: value }), field);
      },
    );
  });

  describe('__proto__, constructor and prototype keys, anywhere in the body', () => {
    const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];
    const PAYLOAD = { owner: 1, role: 1, is_ban: true, polluted: 'yes' };
    /** JSON with `@KEY@` standing for the key under test (JSON.stringify of an object literal would drop `__proto__`). */
    const raw = (body: unknown, key: string) => JSON.stringify(body).replaceAll('"@KEY@"', JSON.stringify(key));

    interface ProtoTarget {
      name: string;
      method: Method;
      path: () => string;
      headers: () => Record<string, string>;
      /** bodies with the key at the top level, inside data, deeper (maps, arrays) */
      bodies: unknown[];
    }

    const partyBodies = [
      { '@KEY@': PAYLOAD, data: { name: 'x' } },
      { data: { name: 'x', '@KEY@': PAYLOAD } },
      { data: { name: 'x', variables: { a: 'b', '@KEY@': 'polluted' } } },
      { data: { name: 'x', variables: { '@KEY@': { polluted: 'yes' } } } },
      { data: { name: 'x', teams: ['red', { '@KEY@': PAYLOAD }] } },
      { data: { name: 'x', '@KEY@': { prototype: { polluted: 'yes' } } } },
    ];
    const TARGETS: ProtoTarget[] = [
      { name: 'web create', method: 'post', path: () => WEB, headers: () => web(outsider), bodies: partyBodies },
      { name: 'trusted create', method: 'post', path: () => `${TRUSTED}?player=${outsider.id}`, headers: key, bodies: partyBodies },
      { name: 'trusted create as the server', method: 'post', path: () => TRUSTED, headers: key, bodies: partyBodies },
      { name: 'web edit', method: 'put', path: () => `${WEB}/${partyId}`, headers: () => web(owner), bodies: partyBodies },
      { name: 'trusted edit', method: 'put', path: () => `${TRUSTED}/${partyId}`, headers: key, bodies: partyBodies },
      {
        name: 'web join',
        method: 'post',
        path: () => `${WEB}/${partyId}`,
        headers: () => web(outsider),
        bodies: [{ '@KEY@': PAYLOAD }, { team: 'red', '@KEY@': { role: 1 } }, { channels: ['general', { '@KEY@': PAYLOAD }] }],
      },
      {
        name: 'trusted join',
        method: 'post',
        path: () => `${TRUSTED}/${partyId}?player=${outsider.id}`,
        headers: key,
        bodies: [{ '@KEY@': PAYLOAD }, { team: 'red', '@KEY@': { role: 1 } }],
      },
      {
        name: 'web member data',
        method: 'put',
        path: () => `${WEB}/${partyId}/members/me`,
        headers: () => web(member),
        bodies: [{ data: 'x', '@KEY@': PAYLOAD }, { variables: { '@KEY@': 'x' } }, { variables: { a: 'b', '@KEY@': { polluted: 'yes' } } }],
      },
      {
        name: 'trusted member data',
        method: 'put',
        path: () => `${TRUSTED}/${partyId}/members/${member.id}`,
        headers: key,
        bodies: [{ '@KEY@': PAYLOAD }, { variables: { '@KEY@': 'x' } }],
      },
      {
        name: 'web role',
        method: 'put',
        path: () => `${WEB}/${partyId}/members/${member.id}/role`,
        headers: () => web(owner),
        bodies: [{ role: 2, '@KEY@': { role: 1 } }],
      },
      {
        name: 'player create',
        method: 'post',
        path: () => '/server/players',
        headers: key,
        bodies: [
          { '@KEY@': PAYLOAD, data: { name: 'x' } },
          { data: { name: 'x', '@KEY@': { is_ban: true } } },
          { data: { name: 'x', '@KEY@': { prototype: { is_ban: true } } } },
        ],
      },
      {
        name: 'player edit',
        method: 'put',
        path: () => `/server/players/${member.id}`,
        headers: key,
        bodies: [{ data: { name: 'x', '@KEY@': { is_ban: true } } }, { '@KEY@': PAYLOAD, data: {} }],
      },
      {
        name: 'guest sign-in',
        method: 'post',
        path: () => '/api/auth/guest',
        headers: () => ({}),
        bodies: [{ name: 'g', '@KEY@': { is_ban: true } }, { '@KEY@': PAYLOAD }],
      },
      {
        name: 'web accept (no body expected)',
        method: 'put',
        path: () => `${WEB}/${partyId}/waiting/1`,
        headers: () => web(owner),
        bodies: [{ '@KEY@': PAYLOAD }],
      },
    ];

    it.each(TARGETS.map((target) => [target.name, target] as const))('%s: refused with 400, nothing written', async (_name, target) => {
      for (const forbidden of FORBIDDEN_KEYS) {
        for (const body of target.bodies) {
          const json = raw(body, forbidden);
          await expectRefused(() => api.send(target.method, target.path(), { ...target.headers(), 'content-type': 'application/json' }, json), forbidden).catch(
            (error: Error) => {
              throw new Error(`${target.method.toUpperCase()} ${target.path()} ${json}:\n${error.message}`);
            },
          );
        }
      }
      // Nothing leaked into the prototypes of this process (the service runs in it).
      const probe: Record<string, unknown> = {};
      expect([probe.polluted, probe.owner, probe.role, probe.is_ban]).toEqual([undefined, undefined, undefined, undefined]);
    });

    it('keys that only look alike are ordinary unknown fields or map keys', async () => {
      expectStatus(await api.web(member.token, 'put', `/${partyId}/members/me`, { variables: { proto: 'x', Constructor: 'y', _prototype: 'z' } }), 200);
      await expectRefused(() => api.web(outsider.token, 'post', '', { data: { name: 'x', proto: 1 } }), 'data.proto');
    });
  });
});
