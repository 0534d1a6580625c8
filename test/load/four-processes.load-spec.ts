import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { TestPlayer } from '../support/api';
import { invariantsOf } from '../support/db';
import { NodeServer } from '../support/service-process';
import { describeApi, useTestApp } from '../support/test-app';
import {
  Actor,
  firstIncidents,
  forEachBounded,
  logMark,
  logNoise,
  Method,
  partyCall,
  partyViolations,
  Random,
  Reply,
  RoundRobin,
  runFor,
  seedPlayers,
  SERVER,
  startCluster,
  Tally,
} from './load-kit';

/**
 * Load across four service processes sharing one MySQL database: only the database can keep the rules
 * here. The in-test app applies the migrations and gives the SQL checks a DataSource; every request
 * under test goes to the four processes, round-robin.
 */
describeApi('load: four service processes on one MySQL database', () => {
  const PROCESSES = 4;
  let db: DataSource;
  let processes: NodeServer[] = [];
  let nodes: RoundRobin;

  // Declared before useTestApp, so it runs first: the processes stop before their database is dropped.
  afterAll(() => Promise.all(processes.map((service) => service.stop())));
  const t = useTestApp();

  beforeAll(async () => {
    db = t.db;
    processes = await startCluster(PROCESSES, { DB_POOL_SIZE: '5' });
    nodes = new RoundRobin(processes.map((service) => service.url));
  }, 60_000);

  const web = (player: TestPlayer): Actor => ({ kind: 'web', player });

  it('1,000 joins by distinct players into a party of 10: exactly 9 succeed, 991 PARTY_FULL, no 5xx', async () => {
    const JOINS = 1_000;
    const IN_FLIGHT = 100;
    const [owner, ...joiners] = await seedPlayers(db, JOINS + 1, 'full');
    const created = await partyCall(nodes.url(), web(owner), 'POST', '', { data: { name: 'The crowded party', max_member_count: 10 } });
    expect(created.status).toBe(200);
    const partyId: number = created.body.row.id;

    const mark = logMark(processes);
    const tally = new Tally();
    const answeredOk: number[] = [];
    await forEachBounded(joiners, IN_FLIGHT, async (player, i) => {
      const url = nodes.urls[i % nodes.urls.length];
      const surface: Actor = i % 2 === 0 ? web(player) : { kind: 'trusted', player };
      const reply = tally.record('join', ['PARTY_FULL'], 'POST', `/${partyId}`, await partyCall(url, surface, 'POST', `/${partyId}`, {}));
      if (reply.status === 200) answeredOk.push(player.id);
    });
    const seated: number[] = (
      await db.query('SELECT player_id FROM membership WHERE party_id = ? AND player_id <> ? ORDER BY player_id', [partyId, owner.id])
    ).map((row: { player_id: number }) => Number(row.player_id));
    const noise = logNoise(processes, mark);
    console.log(
      tally.summary(`${JOINS} joins into one party of 10 over ${PROCESSES} processes, ${IN_FLIGHT} in flight`, [
        noise,
        `  joiners seated in SQL: ${seated.length}, of whom answered 200: ${seated.filter((id) => answeredOk.includes(id)).length}`,
      ]),
    );

    expect(firstIncidents(tally.serverErrors)).toEqual([]);
    expect(firstIncidents(tally.unexpected)).toEqual([]);
    expect(tally.count('join', '200')).toBe(9);
    expect(tally.count('join', '409 PARTY_FULL')).toBe(JOINS - 9);
    expect(await invariantsOf(db, partyId)).toEqual({
      exists: true,
      memberCount: 10,
      acceptedRows: 10,
      maxMemberCount: 10,
      ownerId: owner.id,
      owners: [owner.id],
    });
    // Every answer tells the truth: the players told 200 are exactly the ones seated.
    expect(seated).toEqual([...answeredOk].sort((a, b) => a - b));
  }, 150_000);

  it('60 s of random churn over 100 parties by 200 players: no 5xx, only documented 4xx, every party consistent', async () => {
    const churn = new Churn(new Random(Number(process.env.LOAD_SEED ?? Date.now() % 2 ** 31)), nodes, await seedPlayers(db, CHURN.players, 'churn'));
    const mark = logMark(processes);
    await churn.createParties(CHURN.parties);
    await runFor(CHURN.seconds * 1000, CHURN.workers, () => churn.step());
    const noise = logNoise(processes, mark);

    const violations = await partyViolations(db, churn.serverCreated);
    const [{ parties, memberships, waiting, bans }] = await db.query(
      'SELECT (SELECT COUNT(*) FROM party) AS parties, (SELECT COUNT(*) FROM membership WHERE status = 1) AS memberships, ' +
        '(SELECT COUNT(*) FROM membership WHERE status = 0) AS waiting, (SELECT COUNT(*) FROM party_ban) AS bans',
    );
    console.log(
      churn.tally.summary(`churn (seed ${churn.random.seed}) over ${PROCESSES} processes, ${CHURN.workers} workers`, [
        `  parties created ${churn.created} (trusted server without owner: ${churn.serverCreated.size}), replaced after disband/deletion ${churn.replaced}`,
        `  at the end: ${parties} parties, ${memberships} accepted memberships, ${waiting} join requests, ${bans} bans; invariant violations: ${violations.length}`,
        noise,
      ]),
    );

    expect(firstIncidents(churn.tally.serverErrors)).toEqual([]);
    expect(firstIncidents(churn.tally.unexpected)).toEqual([]);
    expect(violations.slice(0, 20)).toEqual([]);
    // The run exercised every operation, not only its refusals.
    for (const op of OPERATIONS) expect({ op: op.name, succeeded: churn.tally.count(op.name, '200') > 0 }).toEqual({ op: op.name, succeeded: true });
  }, 170_000);
});

// -------------------------------------------------------------------------------------------------
// The churn

const CHURN = { seconds: 60, workers: 32, parties: 100, players: 200 };
const TEAMS = ['red', 'blue', 'green'] as const;
const CHANNELS = ['general', 'voice', 'trade'] as const;
/** Share of management calls made by a random player instead of a manager (they mostly get 403). */
const STRANGER_SHARE = 0.1;
/** Share of management calls made by the trusted server acting as itself. */
const SERVER_SHARE = 0.1;

interface Member {
  id: number;
  role: number;
  membership: number;
}

type OpContext = { partyId: number; slot: number };

interface Operation {
  name: string;
  weight: number;
  /** Every error code the operation documents (README, SPEC §3/§5); anything else is a finding. */
  allowed: readonly string[];
  run(churn: Churn, at: OpContext): Promise<void>;
}

const NOT_FOUND = 'PARTY_NOT_FOUND';
const DENIED = 'PERMISSION_DENIED';
const NO_MEMBERSHIP = 'MEMBERSHIP_NOT_FOUND';

/** The operations the churn draws from, with their weights. */
const OPERATIONS: Operation[] = [
  {
    name: 'join',
    weight: 30,
    allowed: [NOT_FOUND, 'ALREADY_MEMBER', 'PARTY_FULL', DENIED, 'INVALID_TEAM', 'INVALID_CHANNELS'],
    async run(churn, at) {
      const choice = churn.random.weighted([
        { weight: 3, body: {} },
        { weight: 1, body: { team: churn.random.pick(TEAMS) } },
        { weight: 1, body: { channels: churn.random.subset(CHANNELS) } },
      ]);
      await churn.call(this, at, churn.asPlayer(churn.randomPlayer()), 'POST', `/${at.partyId}`, choice.body);
    },
  },
  {
    name: 'leave',
    weight: 12,
    allowed: [NOT_FOUND, NO_MEMBERSHIP],
    async run(churn, at) {
      // Mostly a member leaving; sometimes any player (withdrawing a request, or not in the party at all).
      const members = await churn.members(at);
      if (!members) return;
      const leaver = churn.random.chance(0.8) && members.length > 0 ? churn.player(churn.random.pick(members).id) : churn.randomPlayer();
      await churn.call(this, at, churn.asPlayer(leaver), 'DELETE', `/${at.partyId}`);
    },
  },
  {
    name: 'accept',
    weight: 10,
    allowed: [NOT_FOUND, DENIED, NO_MEMBERSHIP, 'PARTY_FULL'],
    async run(churn, at) {
      await churn.decideRequest(this, at, 'PUT');
    },
  },
  {
    name: 'reject',
    weight: 4,
    allowed: [NOT_FOUND, DENIED, NO_MEMBERSHIP],
    async run(churn, at) {
      await churn.decideRequest(this, at, 'DELETE');
    },
  },
  {
    name: 'edit',
    weight: 8,
    allowed: [NOT_FOUND, DENIED, 'CAPACITY_BELOW_MEMBERS'],
    async run(churn, at) {
      const members = await churn.members(at);
      if (!members) return;
      await churn.call(this, at, churn.manager(members), 'PUT', `/${at.partyId}`, { data: churn.randomEdit() });
    },
  },
  {
    name: 'transfer',
    weight: 4,
    allowed: [NOT_FOUND, DENIED, 'INVALID_OWNER'],
    async run(churn, at) {
      const members = await churn.members(at);
      if (!members || members.length === 0) return;
      const heir = churn.random.chance(0.9) ? churn.random.pick(members).id : churn.randomPlayer().id;
      await churn.call(this, at, churn.owner(members), 'PUT', `/${at.partyId}`, { data: { owner: heir } });
    },
  },
  {
    name: 'role',
    weight: 6,
    allowed: [NOT_FOUND, DENIED, NO_MEMBERSHIP],
    async run(churn, at) {
      const members = await churn.members(at);
      if (!members || members.length === 0) return;
      const target = churn.random.pick(members).id;
      await churn.call(this, at, churn.owner(members), 'PUT', `/${at.partyId}/members/${target}/role`, { role: churn.random.pick([2, 3]) });
    },
  },
  {
    name: 'kick',
    weight: 5,
    allowed: [NOT_FOUND, DENIED, NO_MEMBERSHIP],
    async run(churn, at) {
      const members = await churn.members(at);
      if (!members || members.length === 0) return;
      await churn.call(this, at, churn.manager(members), 'DELETE', `/${at.partyId}/members/${churn.random.pick(members).id}`);
    },
  },
  {
    name: 'ban',
    weight: 3,
    allowed: [NOT_FOUND, DENIED, 'PLAYER_NOT_FOUND'],
    async run(churn, at) {
      const members = await churn.members(at);
      if (!members) return;
      const target = churn.random.chance(0.6) && members.length > 0 ? churn.random.pick(members).id : churn.randomPlayer().id;
      await churn.call(this, at, churn.manager(members), 'PUT', `/${at.partyId}/bans/${target}`);
    },
  },
  {
    name: 'unban',
    weight: 3,
    allowed: [NOT_FOUND, DENIED, 'BAN_NOT_FOUND'],
    async run(churn, at) {
      const bans = await churn.lookup(at, `/${at.partyId}/bans?limit=100`);
      const members = await churn.members(at);
      if (!bans || !members) return;
      const target = bans.length > 0 && churn.random.chance(0.9) ? Number(churn.random.pick(bans).player) : churn.randomPlayer().id;
      await churn.call(this, at, churn.manager(members), 'DELETE', `/${at.partyId}/bans/${target}`);
    },
  },
  {
    name: 'disband',
    weight: 0.5,
    allowed: [NOT_FOUND, DENIED],
    async run(churn, at) {
      const members = await churn.members(at);
      if (!members) return;
      const reply = await churn.call(this, at, churn.owner(members), 'POST', `/${at.partyId}/disband`);
      if (reply.status === 200) await churn.replace(at);
    },
  },
];

const CREATE: Pick<Operation, 'name' | 'allowed'> = { name: 'create', allowed: [] };
const LOOKUP: Pick<Operation, 'name' | 'allowed'> = { name: 'lookup', allowed: [NOT_FOUND] };

/**
 * The churn's world: 100 party slots (a slot gets a new party when its party is disbanded or found
 * gone), 200 players, and the four processes. Operations choose their actors from a fresh read of the
 * party (members, waiting list, bans), as a game client would — other workers change it meanwhile.
 */
class Churn {
  readonly tally = new Tally();
  readonly slots: number[] = [];
  readonly serverCreated = new Set<number>();
  private readonly replacing = new Set<number>();
  private readonly byId: Map<number, TestPlayer>;
  created = 0;
  replaced = 0;

  constructor(
    readonly random: Random,
    private readonly nodes: RoundRobin,
    private readonly players: TestPlayer[],
  ) {
    this.byId = new Map(players.map((player) => [player.id, player]));
  }

  async createParties(count: number): Promise<void> {
    const ids: number[] = new Array(count);
    await forEachBounded(
      Array.from({ length: count }, (_, i) => i),
      16,
      async (i) => {
        ids[i] = await this.createParty();
      },
    );
    this.slots.push(...ids);
  }

  /** One random operation on one random party. */
  async step(): Promise<void> {
    const slot = this.random.int(0, this.slots.length - 1);
    await this.random.weighted(OPERATIONS).run(this, { slot, partyId: this.slots[slot] });
  }

  /** Calls the party API on the next process and records the answer; a vanished party gets its slot refilled. */
  async call(op: Pick<Operation, 'name' | 'allowed'>, at: OpContext | null, actor: Actor, method: Method, path: string, body?: unknown): Promise<Reply> {
    const reply = this.tally.record(op.name, op.allowed, method, path, await partyCall(this.nodes.url(), actor, method, path, body));
    if (at && reply.status === 404 && reply.body?.code === NOT_FOUND) await this.replace(at);
    return reply;
  }

  /** A read of the party as the trusted server; null when the party is gone. */
  async lookup(at: OpContext, path: string): Promise<Reply['body'][] | null> {
    const reply = await this.call(LOOKUP, at, SERVER, 'GET', path);
    return reply.status === 200 ? reply.body.list : null;
  }

  async members(at: OpContext): Promise<Member[] | null> {
    return this.lookup(at, `/${at.partyId}/members?limit=100`);
  }

  /** Accept or reject one of the waiting requests (or a made-up one when there are none). */
  async decideRequest(op: Operation, at: OpContext, method: 'PUT' | 'DELETE'): Promise<void> {
    const waiting = await this.lookup(at, `/${at.partyId}/waiting?limit=100`);
    const members = await this.members(at);
    if (!waiting || !members) return;
    const membershipId = waiting.length > 0 ? Number(this.random.pick(waiting).id) : this.random.int(1, 1_000_000);
    await this.call(op, at, this.manager(members), method, `/${at.partyId}/waiting/${membershipId}`);
  }

  /** Puts a new party in the slot of one that is gone (once, however many workers notice). */
  async replace(at: OpContext): Promise<void> {
    if (this.slots[at.slot] !== at.partyId || this.replacing.has(at.slot)) return;
    this.replacing.add(at.slot);
    try {
      const id = await this.createParty();
      this.slots[at.slot] = id;
      this.replaced++;
    } finally {
      this.replacing.delete(at.slot);
    }
  }

  private async createParty(): Promise<number> {
    const byServer = this.random.chance(0.1);
    const data = {
      name: `Churn party ${this.created}`,
      max_member_count: this.random.int(2, 8),
      is_private: this.random.chance(0.4),
      teams: this.random.subset(TEAMS),
      channels: this.random.subset(CHANNELS),
    };
    const reply = await this.call(CREATE, null, byServer ? SERVER : this.asPlayer(this.randomPlayer()), 'POST', '', { data });
    if (reply.status !== 200) throw new Error(`creating a party failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.created++;
    if (byServer) this.serverCreated.add(reply.body.row.id);
    return reply.body.row.id;
  }

  randomEdit(): Record<string, unknown> {
    const fields: [string, () => unknown][] = [
      ['max_member_count', () => this.random.int(2, 8)],
      ['teams', () => this.random.subset(TEAMS)],
      ['channels', () => this.random.subset(CHANNELS)],
      ['is_private', () => this.random.chance(0.4)],
      ['desc', () => `edited ${this.random.int(0, 9999)}`],
    ];
    const chosen = fields.filter(() => this.random.chance(0.5));
    return Object.fromEntries((chosen.length > 0 ? chosen : [fields[0]]).map(([key, value]) => [key, value()]));
  }

  randomPlayer(): TestPlayer {
    return this.random.pick(this.players);
  }

  player(id: number): TestPlayer {
    return this.byId.get(id) ?? this.randomPlayer();
  }

  /** A player, through either surface. */
  asPlayer(player: TestPlayer): Actor {
    return this.random.chance(0.5) ? { kind: 'web', player } : { kind: 'trusted', player };
  }

  /** Mostly someone allowed to manage (owner, admin), sometimes the server itself or a stranger. */
  manager(members: Member[]): Actor {
    return this.actorAmong(members.filter((member) => member.role === 1 || member.role === 2));
  }

  /** Mostly the owner, sometimes the server itself or a stranger. */
  owner(members: Member[]): Actor {
    return this.actorAmong(members.filter((member) => member.role === 1));
  }

  private actorAmong(candidates: Member[]): Actor {
    const roll = this.random.next();
    if (roll < SERVER_SHARE || (candidates.length === 0 && roll < 0.5)) return SERVER;
    if (roll < SERVER_SHARE + STRANGER_SHARE || candidates.length === 0) return this.asPlayer(this.randomPlayer());
    return this.asPlayer(this.player(this.random.pick(candidates).id));
  }
}
