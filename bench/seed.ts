/*
 * Seeds the benchmark data through the service's own HTTP API, so the rows are exactly what the service
 * itself would write (no SQL behind its back).
 */

export const PARTIES_PATH = '/api/table/services/parties';

/** A seeded player and its session token. */
export interface BenchPlayer {
  id: number;
  token: string;
}

export interface Seeded {
  players: BenchPlayer[];
  /** Players the read scenarios authenticate as (one per connection). */
  readers: BenchPlayer[];
  /** Players that join and leave the big party in the churn scenario (one per connection, never members before). */
  churners: BenchPlayer[];
  /** A public party with BIG_PARTY_MEMBERS accepted members: the target of get, members and churn. */
  bigPartyId: number;
  bigPartyMembers: number;
  /** How many parties the search query matches. */
  searchMatches: number;
  partyCount: number;
}

export const SEARCH_QUERY = 'raid';
const BIG_PARTY_MEMBERS = 200; // the owner included
const SEARCH_PARTIES = 200;
// Names rotate so the search (a case-insensitive substring of name or description) matches about a third.
const PARTY_THEMES = [
  { name: 'Friday Raid', desc: 'Weekly raid, bring potions' },
  { name: 'Casual evening', desc: 'Chill games, all welcome' },
  { name: 'Speedrun practice', desc: 'Routing and resets' },
];
const SEED_CONCURRENCY = 8;

/** A JSON call that must succeed; anything else stops the run with the response body. */
async function call<T>(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`seeding: ${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

const bearer = (player: BenchPlayer) => ({ authorization: `Bearer ${player.token}` });

/** Runs `work` over `items` with at most `limit` in flight (enough to be quick, few enough not to trip anything). */
async function inBatches<I, O>(items: I[], limit: number, work: (item: I, index: number) => Promise<O>): Promise<O[]> {
  const results: O[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function createPlayer(baseUrl: string, serverKey: string, name: string): Promise<BenchPlayer> {
  const trusted = { 'x-server-key': serverKey };
  const { row } = await call<{ row: { id: number } }>(baseUrl, 'POST', '/server/players', trusted, {
    data: { name: `Bench player ${name}`, username: `bench_${name}` },
  });
  const { token } = await call<{ token: string }>(baseUrl, 'POST', `/server/players/${row.id}/sessions`, trusted);
  return { id: row.id, token };
}

async function createParty(baseUrl: string, owner: BenchPlayer, name: string, desc: string, maxMemberCount: number): Promise<number> {
  const { row } = await call<{ row: { id: number } }>(baseUrl, 'POST', PARTIES_PATH, bearer(owner), {
    data: { name, desc, max_member_count: maxMemberCount },
  });
  return row.id;
}

async function join(baseUrl: string, player: BenchPlayer, partyId: number): Promise<void> {
  await call(baseUrl, 'POST', `${PARTIES_PATH}/${partyId}`, bearer(player), {});
}

/** `count` new players, each with a session; usernames start with `prefix` so several seedings never collide. */
export function createPlayers(baseUrl: string, serverKey: string, count: number, prefix: string): Promise<BenchPlayer[]> {
  return inBatches(
    Array.from({ length: count }, (_, i) => i),
    SEED_CONCURRENCY,
    (i) => createPlayer(baseUrl, serverKey, `${prefix}_${i}`),
  );
}

/**
 * Makes every churner leave the big party, so each churn run starts with none of them in it.
 * Returns how many were still members (404 MEMBERSHIP_NOT_FOUND is the normal answer).
 */
export async function resetChurners(baseUrl: string, seeded: Seeded): Promise<number> {
  const left = await inBatches(seeded.churners, SEED_CONCURRENCY, async (player) => {
    const response = await fetch(`${baseUrl}${PARTIES_PATH}/${seeded.bigPartyId}`, { method: 'DELETE', headers: bearer(player) });
    if (response.status !== 200 && response.status !== 404) {
      throw new Error(`reset: leave answered ${response.status}: ${await response.text()}`);
    }
    return response.status === 200;
  });
  return left.filter(Boolean).length;
}

/**
 * Players (readers and churners one per connection), SEARCH_PARTIES small parties for list/search, and
 * the big party with BIG_PARTY_MEMBERS members.
 */
export async function seed(baseUrl: string, serverKey: string, connections: number): Promise<Seeded> {
  // Members of the big party first (they double as readers), then the churners, who must not be members.
  const playerCount = Math.max(BIG_PARTY_MEMBERS, connections) + connections;
  const players = await createPlayers(baseUrl, serverKey, playerCount, 'http');
  const churners = players.slice(playerCount - connections);

  await inBatches(
    Array.from({ length: SEARCH_PARTIES }, (_, i) => i),
    SEED_CONCURRENCY,
    (i) => {
      const theme = PARTY_THEMES[i % PARTY_THEMES.length];
      const maxMemberCount = 10 + ((i * 37) % 990); // varied, up to 1,000
      return createParty(baseUrl, players[i % BIG_PARTY_MEMBERS], `${theme.name} #${i}`, theme.desc, maxMemberCount);
    },
  );

  const bigPartyId = await createParty(baseUrl, players[0], 'The big lobby', 'Open to everyone, 1,000 seats', 1000);
  await inBatches(players.slice(1, BIG_PARTY_MEMBERS), SEED_CONCURRENCY, (player) => join(baseUrl, player, bigPartyId));

  return {
    players,
    readers: players.slice(0, connections),
    churners,
    bigPartyId,
    bigPartyMembers: BIG_PARTY_MEMBERS,
    searchMatches: Math.ceil(SEARCH_PARTIES / PARTY_THEMES.length),
    partyCount: SEARCH_PARTIES + 1,
  };
}
