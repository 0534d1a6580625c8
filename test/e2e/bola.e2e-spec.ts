import { beforeAll, describe, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Response } from 'supertest';
import { Api, expectStatus, Method, TestPlayer, TRUSTED, WEB } from '../support/api';
import { FullSnapshot, snapshot, snapshotDiff } from '../support/db-snapshot';
import { describeApi, TestApp, useTestApp } from '../support/test-app';

/*
 * Broken object-level authorization: every party route, on both surfaces, called by every kind of
 * actor. One expectation table (ROUTES × ACTORS) generates every cell. An allowed cell must answer 200;
 * a denied cell must answer the right status and code, and write nothing to any table.
 *
 * The fixture: party P (private, teams/channels) with an owner, an admin, a plain member, a waiting
 * requester and a player banned from P; party Q owned by another player. Allowed cells of writing
 * routes get a fresh fixture each; everything else shares one (rebuilt if a denied cell wrote).
 */

const PLAYER_ACTORS = ['owner', 'admin', 'member', 'waiter', 'outsider', 'partyBanned', 'otherOwner'] as const;
type PlayerActor = (typeof PLAYER_ACTORS)[number];
/**
 * Besides the players: the server acting as itself; a player banned by the game (is_ban); a player id
 * that does not exist; no or a wrong credential; on the Web API, the member's token with
 * `?player=&caller=` naming the owner (ignored: the token decides); on the Trusted API, `player` and
 * `caller` naming different players.
 */
type Actor = PlayerActor | 'server' | 'banned' | 'ghost' | 'noToken' | 'garbageToken' | 'noKey' | 'wrongKey' | 'memberClaimingOwner' | 'playerCallerMismatch';

const WEB_ACTORS: Actor[] = [...PLAYER_ACTORS, 'memberClaimingOwner', 'banned', 'noToken', 'garbageToken'];
const TRUSTED_ACTORS: Actor[] = [...PLAYER_ACTORS, 'server', 'playerCallerMismatch', 'banned', 'ghost', 'noKey', 'wrongKey'];

type Expected = readonly [status: number, code: string];
const PERMISSION_DENIED: Expected = [403, 'PERMISSION_DENIED'];
const UNAUTHENTICATED: Expected = [401, 'UNAUTHENTICATED'];
const BANNED: Expected = [403, 'BANNED'];
const PLAYER_NOT_FOUND: Expected = [404, 'PLAYER_NOT_FOUND'];
const PLAYER_REQUIRED: Expected = [400, 'PLAYER_REQUIRED'];
const MEMBERSHIP_NOT_FOUND: Expected = [404, 'MEMBERSHIP_NOT_FOUND'];
const ALREADY_MEMBER: Expected = [409, 'ALREADY_MEMBER'];
const BAN_NOT_FOUND: Expected = [404, 'BAN_NOT_FOUND'];

/** How an actor that is refused by identity alone is answered, whatever the route. */
const IDENTITY_DENIALS: Partial<Record<Actor, Expected>> = {
  noToken: UNAUTHENTICATED,
  garbageToken: UNAUTHENTICATED,
  noKey: UNAUTHENTICATED,
  wrongKey: UNAUTHENTICATED,
  banned: BANNED,
  ghost: PLAYER_NOT_FOUND,
  playerCallerMismatch: [400, 'VALIDATION_FAILED'],
};

/** Whose permissions an actor has (the member claiming to be the owner is still the member). */
const standingOf = (actor: Actor): Actor => (actor === 'memberClaimingOwner' ? 'member' : actor);

interface Fixture {
  /** party P and its waiting requester's membership id */
  party: number;
  request: number;
  /** party Q, owned by otherOwner */
  other: number;
}

/** Player ids by role, fixed for the whole spec. */
type Ids = Record<PlayerActor, number>;

interface Route {
  name: string;
  method: Method;
  path: (f: Fixture, ids: Ids) => string;
  body?: (f: Fixture, ids: Ids) => unknown;
  /** GETs write nothing, so they can share a fixture even when allowed. */
  reads?: boolean;
  /** the route works on party Q (otherOwner's) rather than P */
  onOther?: boolean;
  /** false when an allowed call cannot disturb the fixture (create), so it needs no fresh one */
  fresh?: boolean;
  allow: readonly Actor[];
  /** how a denied actor is answered, when not 403 PERMISSION_DENIED */
  deny?: Partial<Record<Actor, Expected>>;
}

const EVERYONE: Actor[] = [...PLAYER_ACTORS, 'server'];
const MANAGERS: Actor[] = ['owner', 'admin', 'server'];
const OWNER_OR_SERVER: Actor[] = ['owner', 'server'];
const WITH_MEMBERSHIP: Actor[] = ['owner', 'admin', 'member', 'waiter'];
const WITHOUT_MEMBERSHIP = { outsider: MEMBERSHIP_NOT_FOUND, partyBanned: MEMBERSHIP_NOT_FOUND, otherOwner: MEMBERSHIP_NOT_FOUND };

/** SPEC §3 and the README's operation tables, as data. */
const ROUTES: Route[] = [
  { name: 'create', method: 'post', path: () => '', body: () => ({ data: { name: 'made by a cell' } }), fresh: false, allow: EVERYONE },
  { name: 'search', method: 'get', path: () => '?query=BOLA', reads: true, allow: EVERYONE },
  { name: 'my parties', method: 'get', path: () => '/me', reads: true, allow: PLAYER_ACTORS, deny: { server: PLAYER_REQUIRED } },
  { name: 'get', method: 'get', path: (f) => `/${f.party}`, reads: true, allow: EVERYONE },
  { name: 'members', method: 'get', path: (f) => `/${f.party}/members`, reads: true, allow: EVERYONE },
  { name: 'waiting list', method: 'get', path: (f) => `/${f.party}/waiting`, reads: true, allow: MANAGERS },
  { name: 'list bans', method: 'get', path: (f) => `/${f.party}/bans`, reads: true, allow: MANAGERS },
  {
    name: 'join',
    method: 'post',
    path: (f) => `/${f.party}`,
    body: () => ({}),
    allow: ['outsider', 'otherOwner'],
    deny: { owner: ALREADY_MEMBER, admin: ALREADY_MEMBER, member: ALREADY_MEMBER, waiter: ALREADY_MEMBER, server: PLAYER_REQUIRED },
  },
  { name: 'edit', method: 'put', path: (f) => `/${f.party}`, body: () => ({ data: { name: 'renamed', desc: 'by a cell' } }), allow: MANAGERS },
  {
    name: 'edit sending back the current owner',
    method: 'put',
    path: (f) => `/${f.party}`,
    body: (f, ids) => ({ data: { id: f.party, owner: ids.owner, name: 'renamed' } }),
    allow: MANAGERS,
  },
  { name: 'transfer ownership', method: 'put', path: (f) => `/${f.party}`, body: (_, ids) => ({ data: { owner: ids.member } }), allow: OWNER_OR_SERVER },
  { name: 'leave', method: 'delete', path: (f) => `/${f.party}`, allow: WITH_MEMBERSHIP, deny: { ...WITHOUT_MEMBERSHIP, server: PLAYER_REQUIRED } },
  { name: 'accept', method: 'put', path: (f) => `/${f.party}/waiting/${f.request}`, allow: MANAGERS },
  { name: 'reject', method: 'delete', path: (f) => `/${f.party}/waiting/${f.request}`, allow: MANAGERS },
  {
    name: 'my member data',
    method: 'put',
    path: (f) => `/${f.party}/members/me`,
    body: () => ({ data: 'mine', variables: { k: 'v' } }),
    allow: WITH_MEMBERSHIP,
    deny: { ...WITHOUT_MEMBERSHIP, server: PLAYER_REQUIRED },
  },
  { name: "the member's data", method: 'put', path: (f, ids) => `/${f.party}/members/${ids.member}`, body: () => ({ data: 'x' }), allow: ['member', 'server'] },
  {
    name: "the requester's data",
    method: 'put',
    path: (f, ids) => `/${f.party}/members/${ids.waiter}`,
    body: () => ({ data: 'x' }),
    allow: ['waiter', 'server'],
  },
  { name: 'promote the member', method: 'put', path: (f, ids) => `/${f.party}/members/${ids.member}/role`, body: () => ({ role: 2 }), allow: OWNER_OR_SERVER },
  { name: 'demote the admin', method: 'put', path: (f, ids) => `/${f.party}/members/${ids.admin}/role`, body: () => ({ role: 3 }), allow: OWNER_OR_SERVER },
  { name: 'kick the member', method: 'delete', path: (f, ids) => `/${f.party}/members/${ids.member}`, allow: MANAGERS },
  { name: 'kick the admin', method: 'delete', path: (f, ids) => `/${f.party}/members/${ids.admin}`, allow: OWNER_OR_SERVER },
  { name: 'kick the owner', method: 'delete', path: (f, ids) => `/${f.party}/members/${ids.owner}`, allow: ['server'] },
  { name: 'ban the member', method: 'put', path: (f, ids) => `/${f.party}/bans/${ids.member}`, allow: MANAGERS },
  { name: 'ban the admin', method: 'put', path: (f, ids) => `/${f.party}/bans/${ids.admin}`, allow: OWNER_OR_SERVER },
  { name: 'ban the owner', method: 'put', path: (f, ids) => `/${f.party}/bans/${ids.owner}`, allow: ['server'] },
  { name: 'ban an outsider', method: 'put', path: (f, ids) => `/${f.party}/bans/${ids.outsider}`, allow: MANAGERS },
  { name: 'lift a ban', method: 'delete', path: (f, ids) => `/${f.party}/bans/${ids.partyBanned}`, allow: MANAGERS },
  { name: 'disband', method: 'post', path: (f) => `/${f.party}/disband`, allow: OWNER_OR_SERVER },

  // Cross-party: the path names party Q (otherOwner's), the target belongs to party P. Managing Q
  // must give no power over P's requests, members or bans.
  ...(['accept', 'reject'] as const).map((name): Route => ({
    name: `${name} P's request through Q`,
    method: name === 'accept' ? 'put' : 'delete',
    path: (f) => `/${f.other}/waiting/${f.request}`,
    onOther: true,
    allow: [],
    deny: { otherOwner: MEMBERSHIP_NOT_FOUND, server: MEMBERSHIP_NOT_FOUND },
  })),
  {
    name: "kick P's member through Q",
    method: 'delete',
    path: (f, ids) => `/${f.other}/members/${ids.member}`,
    onOther: true,
    allow: [],
    deny: { otherOwner: MEMBERSHIP_NOT_FOUND, server: MEMBERSHIP_NOT_FOUND },
  },
  {
    name: "promote P's member through Q",
    method: 'put',
    path: (f, ids) => `/${f.other}/members/${ids.member}/role`,
    onOther: true,
    body: () => ({ role: 2 }),
    allow: [],
    deny: { otherOwner: MEMBERSHIP_NOT_FOUND, server: MEMBERSHIP_NOT_FOUND },
  },
  {
    name: "set P's member's data through Q",
    method: 'put',
    path: (f, ids) => `/${f.other}/members/${ids.member}`,
    onOther: true,
    body: () => ({ data: 'x' }),
    allow: [],
    deny: { member: MEMBERSHIP_NOT_FOUND, server: MEMBERSHIP_NOT_FOUND },
  },
  {
    name: "lift P's ban through Q",
    method: 'delete',
    path: (f, ids) => `/${f.other}/bans/${ids.partyBanned}`,
    onOther: true,
    allow: [],
    deny: { otherOwner: BAN_NOT_FOUND, server: BAN_NOT_FOUND },
  },
  { name: "Q's waiting list", method: 'get', path: (f) => `/${f.other}/waiting`, reads: true, onOther: true, allow: ['otherOwner', 'server'] },
  { name: 'disband Q', method: 'post', path: (f) => `/${f.other}/disband`, onOther: true, allow: ['otherOwner', 'server'] },
];

function expectedDenial(route: Route, actor: Actor): Expected {
  return IDENTITY_DENIALS[actor] ?? route.deny?.[standingOf(actor)] ?? PERMISSION_DENIED;
}

const SURFACES = [
  { name: 'web', prefix: WEB, actors: WEB_ACTORS },
  { name: 'trusted', prefix: TRUSTED, actors: TRUSTED_ACTORS },
] as const;

interface Cell {
  title: string;
  route: Route;
  actor: Actor;
  allowed: boolean;
}

function cellsOf(actors: readonly Actor[]): Cell[] {
  return ROUTES.flatMap((route) =>
    actors.map((actor) => {
      const allowed = route.allow.includes(standingOf(actor));
      const [status, code] = allowed ? [200, ''] : expectedDenial(route, actor);
      const title = `${route.method.toUpperCase()} ${route.name} as ${actor} → ${status}${code ? ` ${code}` : ''}`;
      return { title, route, actor, allowed };
    }),
  );
}

describeApi('BOLA matrix: every party route × every actor, on both surfaces', () => {
  const t = useTestApp();
  let app: TestApp;
  let api: Api;
  const players = {} as Record<PlayerActor | 'banned', TestPlayer>;
  let ids: Ids;
  /** a well-formed token that no session has */
  const garbageToken = randomBytes(32).toString('base64url');
  const GHOST_PLAYER = 2_147_483_000;

  let shared: Fixture | null = null;
  /** the last snapshot taken, while nothing can have written since */
  let lastSnapshot: FullSnapshot | null = null;

  beforeAll(async () => {
    ({ app, api } = t);
    const made = await api.players(PLAYER_ACTORS.length + 1);
    PLAYER_ACTORS.forEach((actor, i) => (players[actor] = made[i]));
    players.banned = made[PLAYER_ACTORS.length];
    expectStatus(await api.server('put', `/server/players/${players.banned.id}`, { data: { is_ban: true } }), 200);
    ids = Object.fromEntries(PLAYER_ACTORS.map((actor) => [actor, players[actor].id])) as Ids;
  });
  /** P: private, owner + admin + member, a waiting request, a ban; Q: otherOwner's (a new one when `withOther`). */
  async function buildFixture(withOther = true): Promise<Fixture> {
    lastSnapshot = null;
    const [party, other] = await Promise.all([
      api.party(players.owner, { name: 'BOLA party', teams: ['red', 'blue'], channels: ['general'] }),
      withOther ? api.party(players.otherOwner, { name: 'BOLA other party' }) : { id: 0 },
    ]);
    const joins = await Promise.all([api.join(players.admin, party.id), api.join(players.member, party.id)]);
    joins.forEach((res) => expectStatus(res, 200));
    const setup = await Promise.all([
      api.web(players.owner.token, 'put', `/${party.id}/members/${players.admin.id}/role`, { role: 2 }),
      api.web(players.owner.token, 'put', `/${party.id}/bans/${players.partyBanned.id}`),
    ]);
    setup.forEach((res) => expectStatus(res, 200));
    expectStatus(await api.web(players.owner.token, 'put', `/${party.id}`, { data: { is_private: true } }), 200);
    const request = await api.join(players.waiter, party.id);
    expectStatus(request, 200);
    return { party: party.id, request: request.body.row.id, other: other.id };
  }

  async function snapshotNow(): Promise<FullSnapshot> {
    lastSnapshot ??= await snapshot(app);
    return lastSnapshot;
  }

  function call(surface: (typeof SURFACES)[number], actor: Actor, method: Method, path: string, body: unknown): Promise<Response> {
    const separator = path.includes('?') ? '&' : '?';
    if (surface.name === 'web') {
      const token =
        actor === 'garbageToken' ? garbageToken : actor === 'memberClaimingOwner' ? players.member.token : players[actor as PlayerActor | 'banned']?.token;
      const headers: Record<string, string> = actor === 'noToken' ? {} : { authorization: `Bearer ${token}` };
      const query = actor === 'memberClaimingOwner' ? `${separator}player=${ids.owner}&caller=${ids.owner}` : '';
      return api.send(method, `${WEB}${path}${query}`, headers, body);
    }
    const query =
      actor === 'server'
        ? ''
        : actor === 'ghost'
          ? `${separator}player=${GHOST_PLAYER}`
          : actor === 'playerCallerMismatch'
            ? `${separator}player=${ids.member}&caller=${ids.owner}`
            : `${separator}player=${players[(actor === 'noKey' || actor === 'wrongKey' ? 'owner' : actor) as PlayerActor | 'banned'].id}`;
    const headers: Record<string, string> = actor === 'noKey' ? {} : { 'x-server-key': actor === 'wrongKey' ? `${app.serverKey}x` : app.serverKey };
    return api.send(method, `${TRUSTED}${path}${query}`, headers, body);
  }

  describe.each(SURFACES)('$name surface', (surface) => {
    it.each(cellsOf(surface.actors).map((cell) => [cell.title, cell] as const))('%s', async (_title, { route, actor, allowed }) => {
      const fresh = allowed && !route.reads && route.fresh !== false;
      const fixture = fresh ? await buildFixture(route.onOther === true) : (shared ??= await buildFixture());
      const before = allowed ? null : await snapshotNow();
      const path = route.path(fixture, ids);
      const res = await call(surface, actor, route.method, path, route.body?.(fixture, ids));
      if (!route.reads || res.status < 400) lastSnapshot = null;

      if (allowed) {
        expectStatus(res, 200);
        return;
      }
      const after = await snapshotNow();
      const wrote = snapshotDiff(before!, after);
      if (wrote !== null || res.status < 400) {
        shared = null; // the shared fixture is no longer what the table assumes
        lastSnapshot = null;
      }
      const [status, code] = expectedDenial(route, actor);
      const problems = [
        res.status !== status || res.body?.code !== code ? `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}` : null,
        wrote !== null ? `a denied request wrote:\n${wrote}` : null,
      ].filter((problem) => problem !== null);
      if (problems.length > 0) throw new Error(`${route.method.toUpperCase()} ${surface.prefix}${path} as ${actor}: ${problems.join('\n')}`);
    });
  });
});
