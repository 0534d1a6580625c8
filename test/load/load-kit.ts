import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Method as ApiMethod, TestPlayer, TRUSTED, WEB } from '../support/api';
import { invariantsOf } from '../support/db';
import { ERROR_LINE, NodeServer, startServiceProcess, WARN_LINE } from '../support/service-process';
import { TEST_SERVER_KEY } from '../support/test-env';

/*
 * Small tools for the load specs: a keep-alive fetch client, players seeded in SQL, a bounded worker
 * pool, a tally of every answer, and the SQL invariants every party must keep afterwards.
 */

// ---------------------------------------------------------------------------------------------------
// Service processes

/** Starts `count` service processes (dist/main.js) on this spec's database. */
export async function startCluster(count: number, env: Record<string, string> = {}): Promise<NodeServer[]> {
  const settled = await Promise.allSettled(
    Array.from({ length: count }, () =>
      startServiceProcess({ DATABASE_URL: process.env.DATABASE_URL!, RATE_LIMIT_ENABLED: 'false', DB_POOL_SIZE: '5', ...env }),
    ),
  );
  const started = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((service) => service.stop()));
    throw failed.reason;
  }
  return started;
}

// eslint-disable-next-line no-control-regex -- Nest colours its log lines; the escape character is the point
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

/** Where each process's log ends now, so a later logNoise reads only what came after. */
export const logMark = (processes: NodeServer[]): number[] => processes.map((service) => service.output().length);

/** What the processes' logs (since `mark`) say went wrong or had to be retried (for the summary). */
export function logNoise(processes: NodeServer[], mark: number[] = []): string {
  const lines = processes.flatMap((service, i) =>
    service
      .output()
      .slice(mark[i] ?? 0)
      .replace(ANSI_COLOUR, '')
      .split('\n'),
  );
  const lockRetries = lines.filter((line) => /lock conflict/i.test(line)).length;
  const warnings = lines.filter((line) => WARN_LINE.test(line) && !/lock conflict/i.test(line));
  const errors = lines.filter((line) => ERROR_LINE.test(line));
  const distinct = [...new Set([...errors, ...warnings].map((line) => /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.trim()))].slice(0, 5);
  return [
    `  logged: ${lockRetries} lock-conflict retries, ${warnings.length} other warnings, ${errors.length} errors`,
    ...distinct.map((line) => `    ${line}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// HTTP

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted on shape by the specs
  body: any;
}

export type Method = Uppercase<ApiMethod>;

/**
 * Who a party call acts as: a player through the Web API (session token), a player through the
 * Trusted API (server key + ?player=), or the trusted server acting as itself.
 */
export type Actor = { kind: 'web'; player: TestPlayer } | { kind: 'trusted'; player: TestPlayer } | { kind: 'server' };

export const SERVER: Actor = { kind: 'server' };

/** One HTTP call (global fetch = undici, keep-alive). Network failures come back as status 0. */
export async function send(url: string, method: Method, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  try {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text, it will show in a failure message
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    return { status: 0, body: { network: String((error as Error)?.cause ?? error) } };
  }
}

/** A party API call on one service process, as `actor`. `path` is relative to the surface's prefix. */
export function partyCall(baseUrl: string, actor: Actor, method: Method, path: string, body?: unknown): Promise<Reply> {
  if (actor.kind === 'web') return send(`${baseUrl}${WEB}${path}`, method, { authorization: `Bearer ${actor.player.token}` }, body);
  const separator = path.includes('?') ? '&' : '?';
  const query = actor.kind === 'trusted' ? `${separator}player=${actor.player.id}` : '';
  return send(`${baseUrl}${TRUSTED}${path}${query}`, method, { 'x-server-key': TEST_SERVER_KEY }, body);
}

/** Hands out the service processes' URLs round-robin, so load spreads evenly over them. */
export class RoundRobin {
  private next = 0;
  constructor(readonly urls: string[]) {}
  url(): string {
    return this.urls[this.next++ % this.urls.length];
  }
}

// ---------------------------------------------------------------------------------------------------
// Players

/**
 * `count` players with a live session each, written straight into SQL (two multi-row INSERTs instead
 * of 2×count API calls). Only the token's SHA-256 is stored, as the service does.
 */
export async function seedPlayers(db: DataSource, count: number, prefix: string): Promise<TestPlayer[]> {
  const tag = `${prefix}_${randomBytes(4).toString('hex')}`;
  const now = new Date();
  const expires = new Date(now.getTime() + 24 * 3600 * 1000);
  const usernames = Array.from({ length: count }, (_, i) => `${tag}_${i}`);
  for (const chunk of chunks(usernames, 500)) {
    await db.query(
      `INSERT INTO player (name, username, created_at) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
      chunk.flatMap((username) => [username, username, now]),
    );
  }
  const rows: { id: number; username: string }[] = await db.query('SELECT id, username FROM player WHERE username LIKE ? ORDER BY id', [`${tag}\\_%`]);
  if (rows.length !== count) throw new Error(`seeded ${rows.length} players, wanted ${count}`);
  const players = rows.map((row) => ({ id: Number(row.id), token: randomBytes(32).toString('base64url') }));
  for (const chunk of chunks(players, 500)) {
    await db.query(
      `INSERT INTO session (token_hash, player_id, expires_at, created_at) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap((player) => [sha256(player.token), player.id, expires, now]),
    );
  }
  return players;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

// ---------------------------------------------------------------------------------------------------
// Concurrency

/** Runs `work` over every item with at most `limit` in flight. */
export async function forEachBounded<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** `workers` loops calling `step` until `ms` have passed (steps in flight at the deadline finish). */
export async function runFor(ms: number, workers: number, step: (worker: number) => Promise<void>): Promise<void> {
  const deadline = Date.now() + ms;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (Date.now() < deadline) await step(worker);
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// Randomness (seeded, so a failing run's choices can be told apart; timing still varies)

export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32 */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  subset<T>(items: readonly T[]): T[] {
    return items.filter(() => this.chance(0.5));
  }
  weighted<T extends { weight: number }>(items: readonly T[]): T {
    let roll = this.next() * items.reduce((sum, item) => sum + item.weight, 0);
    for (const item of items) if ((roll -= item.weight) < 0) return item;
    return items[items.length - 1];
  }
}

// ---------------------------------------------------------------------------------------------------
// Tally

export interface Incident {
  op: string;
  method: Method;
  path: string;
  status: number;
  body: unknown;
}

/**
 * Every answer, by operation: status counts, and the ones that must not happen — 5xx or network
 * failures, and 4xx whose code is not one the operation documents.
 */
export class Tally {
  readonly started = Date.now();
  readonly counts = new Map<string, Map<string, number>>();
  readonly serverErrors: Incident[] = [];
  readonly unexpected: Incident[] = [];

  record(op: string, allowed: readonly string[], method: Method, path: string, reply: Reply): Reply {
    const code = reply.status === 200 ? '' : ` ${reply.body?.code ?? '?'}`;
    const key = `${reply.status}${code}`;
    const byStatus = this.counts.get(op) ?? new Map<string, number>();
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    this.counts.set(op, byStatus);
    const incident = { op, method, path, status: reply.status, body: reply.body };
    if (reply.status >= 500 || reply.status === 0) this.serverErrors.push(incident);
    else if (reply.status !== 200 && !allowed.includes(reply.body?.code)) this.unexpected.push(incident);
    return reply;
  }

  count(op: string, key?: string): number {
    const byStatus = this.counts.get(op);
    if (!byStatus) return 0;
    return key === undefined ? [...byStatus.values()].reduce((a, b) => a + b, 0) : (byStatus.get(key) ?? 0);
  }

  total(): number {
    return [...this.counts.keys()].reduce((sum, op) => sum + this.count(op), 0);
  }

  summary(title: string, extra: string[] = []): string {
    const seconds = (Date.now() - this.started) / 1000;
    const lines = [...this.counts.entries()]
      .sort(([, a], [, b]) => sum(b) - sum(a))
      .map(([op, byStatus]) => {
        const statuses = [...byStatus.entries()].sort(([, a], [, b]) => b - a).map(([key, n]) => `${key}×${n}`);
        return `  ${op.padEnd(10)} ${String(sum(byStatus)).padStart(6)}  ${statuses.join(', ')}`;
      });
    return [
      `${title}: ${this.total()} requests in ${seconds.toFixed(1)} s = ${(this.total() / seconds).toFixed(0)} req/s; ` +
        `5xx/network: ${this.serverErrors.length}; undocumented 4xx: ${this.unexpected.length}`,
      ...lines,
      ...extra,
    ].join('\n');
  }
}

const sum = (byStatus: Map<string, number>) => [...byStatus.values()].reduce((a, b) => a + b, 0);

/** At most `n` incidents, for an assertion message that stays readable. */
export const firstIncidents = (incidents: Incident[], n = 10) =>
  incidents.slice(0, n).map((i) => `${i.op} ${i.method} ${i.path} → ${i.status} ${JSON.stringify(i.body)}`);

// ---------------------------------------------------------------------------------------------------
// SQL invariants

/**
 * What must hold for every party in the database, whatever happened: member_count equals the accepted
 * rows and fits max_member_count; a party with an owner has exactly that player as its one accepted
 * role-1 membership; an ownerless party (only the trusted server makes those) has no role-1 membership;
 * a player-created party never loses its owner while it exists; nobody banned holds a membership;
 * join requests are plain members. Returns one line per violation.
 */
export async function partyViolations(db: DataSource, serverCreated: ReadonlySet<number>): Promise<string[]> {
  const violations: string[] = [];
  const parties: { id: number }[] = await db.query('SELECT id FROM party ORDER BY id');
  for (const { id } of parties) {
    const state = await invariantsOf(db, Number(id));
    const where = `party ${id} ${JSON.stringify(state)}`;
    if (state.memberCount !== state.acceptedRows) violations.push(`${where}: member_count ≠ accepted rows`);
    if (state.acceptedRows > state.maxMemberCount) violations.push(`${where}: more accepted members than max_member_count`);
    const expectedOwners = state.ownerId === null ? [] : [Number(state.ownerId)];
    if (JSON.stringify(state.owners) !== JSON.stringify(expectedOwners)) violations.push(`${where}: role-1 memberships ≠ owner_id`);
    if (state.ownerId === null && !serverCreated.has(Number(id))) violations.push(`${where}: a player-created party has no owner`);
  }
  const bannedMembers = await db.query(
    'SELECT m.party_id, m.player_id, m.status FROM membership m JOIN party_ban b ON b.party_id = m.party_id AND b.player_id = m.player_id',
  );
  for (const row of bannedMembers) violations.push(`banned player ${row.player_id} holds a membership (status ${row.status}) in party ${row.party_id}`);
  const promotedRequests = await db.query('SELECT id, party_id, player_id, role FROM membership WHERE status = 0 AND role <> 3');
  for (const row of promotedRequests) violations.push(`join request ${row.id} (party ${row.party_id}, player ${row.player_id}) has role ${row.role}`);
  return violations;
}
