/*
 * `npm run bench`: builds the service, starts it on a fresh MariaDB database, seeds it through its own
 * API, drives it with autocannon, then does the same for a bare node:http + mysql2 baseline
 * (bench/baseline-server.js), and prints one table. See BENCHMARKS.md.
 *
 * Everything talks to 127.0.0.1 only. The servers run one at a time, so they never compete for the CPU
 * with each other (they still share it with MariaDB and with autocannon, which runs in this process).
 *
 * Knobs for quick trial runs (the defaults are the benchmark): BENCH_CONNECTIONS (50),
 * BENCH_DURATION seconds per scenario (10), BENCH_WARMUP seconds before each scenario (2),
 * BENCH_RUNS alternating service/baseline runs of the compared scenarios (3), BENCH_REALTIME=0 skips
 * the realtime scenarios (bench/realtime.ts), BENCH_WORKERS=0 the 2-worker cluster run, BENCH_REDIS_URL.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { LoadResult, request, RequestsFor, runLoad } from './load';
import { freePort, killAllServersNow, memoryMb, productionNodeFlags, ServerProcess, sleep, startServer, stopAllServers, stopServer } from './processes';
import { formatErrors, formatTable, Row, ServerName } from './report';
import { formatRealtime, runFanOut, runIdle, seedBigParty } from './realtime';
import { BenchPlayer, PARTIES_PATH, resetChurners, SEARCH_QUERY, seed, Seeded } from './seed';

const ROOT = join(__dirname, '..');
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const SERVER_KEY = randomBytes(32).toString('base64url'); // 43 characters; the service wants at least 32
const DB_POOL_SIZE = '10'; // the service's default, set explicitly so both servers get the same pool
const SETTLE_PAUSE_MS = 1000;
const SETTLE_MAX_PASSES = 10;

/** Events fan out to several processes through Redis, as in production; the realtime scenarios need it. */
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

const SETTINGS = {
  realtime: process.env.BENCH_REALTIME !== '0',
  workers: process.env.BENCH_WORKERS !== '0',
  runs: positiveIntFromEnv('BENCH_RUNS', 3),
  connections: positiveIntFromEnv('BENCH_CONNECTIONS', 50),
  durationSeconds: positiveIntFromEnv('BENCH_DURATION', 10),
  warmupSeconds: positiveIntFromEnv('BENCH_WARMUP', 2, true),
};

interface Scenario {
  name: string;
  /** Both servers run it, and the table compares them. */
  comparable: boolean;
  /** Issue 13's targets apply to it. */
  judged: boolean;
  /** Join+leave: the churners must be out of the big party when a run starts. */
  churn: boolean;
  players(seeded: Seeded): BenchPlayer[];
  requestsFor(seeded: Seeded): RequestsFor;
}

const bigParty = (seeded: Seeded) => `${PARTIES_PATH}/${seeded.bigPartyId}`;

const SCENARIOS: Record<'floor' | 'get' | 'search' | 'members' | 'churn', Scenario> = {
  // A route that does nothing (no database, no Redis, no guard): what every request costs before any work.
  floor: {
    name: 'GET /health (no work)',
    comparable: false,
    judged: false,
    churn: false,
    players: (s) => s.readers,
    requestsFor: () => (player) => [request(player, 'GET', '/health')],
  },
  get: {
    name: 'get party',
    comparable: true,
    judged: true,
    churn: false,
    players: (s) => s.readers,
    requestsFor: (s) => (player) => [request(player, 'GET', bigParty(s))],
  },
  search: {
    name: `list/search ?query=${SEARCH_QUERY}`,
    comparable: false,
    judged: true,
    churn: false,
    players: (s) => s.readers,
    requestsFor: () => (player) => [request(player, 'GET', `${PARTIES_PATH}?query=${SEARCH_QUERY}`)],
  },
  members: {
    name: 'members page',
    comparable: false,
    judged: true,
    churn: false,
    players: (s) => s.readers,
    requestsFor: (s) => (player) => [request(player, 'GET', `${bigParty(s)}/members`)],
  },
  churn: {
    name: 'join+leave churn',
    comparable: true,
    judged: true,
    churn: true,
    players: (s) => s.churners,
    // Each connection is one player, alternating join then leave on the big public party.
    requestsFor: (s) => (player) => [request(player, 'POST', bigParty(s), {}), request(player, 'DELETE', bigParty(s))],
  },
};

/** Free-text findings printed under the table (consistency checks, server log counts, memory). */
const notes: string[] = [];
/** The benchmark's own database, once created. */
let databaseName = '';

async function main(): Promise<void> {
  const startedAt = Date.now();
  console.log(`bench: ${SETTINGS.connections} connections, ${SETTINGS.durationSeconds} s per scenario after ${SETTINGS.warmupSeconds} s warm-up`);
  console.log(`machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load average ${formatLoad()}`);
  build();
  const database = await createDatabase();
  databaseName = database;
  cleanupTasks.push(() => dropDatabase(database));
  const databaseUrl = `mariadb://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${database}`;
  const rows: Row[] = [];

  // The service first: it creates the schema (migrations at boot) and the data.
  const serviceEnv = {
    NODE_ENV: 'production',
    SERVER_KEY,
    // Limits on, as in production, but high enough never to be reached: the counting is measured, not 429s.
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_PLAYER: '10000000',
    REDIS_URL, // counters shared through Redis, and each change published for other processes, as in a multi-process deployment
  };
  const startService = (name: ServerName, extra: NodeJS.ProcessEnv = {}) =>
    start(name, 'dist/main.js', '/health/ready', databaseUrl, { ...serviceEnv, ...extra });
  const startBaseline = () =>
    start('baseline', 'bench/baseline-server.js', '/health', databaseUrl, { REDIS_URL, RATE_LIMIT_PLAYER: serviceEnv.RATE_LIMIT_PLAYER });
  let service = await startService('service');
  console.log('seeding through the service API…');
  const seeded = await seed(service.url, SERVER_KEY, SETTINGS.connections);
  console.log(
    `seeded ${seeded.players.length} players with sessions, ${seeded.partyCount} parties (${seeded.searchMatches} match "${SEARCH_QUERY}"), ` +
      `big party ${seeded.bigPartyId} with ${seeded.bigPartyMembers} members`,
  );
  for (const scenario of [SCENARIOS.search, SCENARIOS.members]) record(rows, 'service', scenario, await runScenario(service, 'service', scenario, seeded));
  let realtime = '';
  if (SETTINGS.realtime) {
    console.log('realtime: seeding a party of 1,000 members…');
    const members = await seedBigParty(service.url, SERVER_KEY);
    const fanOut = await runFanOut((name, extra) => start(name, 'dist/main.js', '/health/ready', databaseUrl, { ...serviceEnv, ...extra }), members, service);
    console.log(`  realtime fan-out: p50 ${fanOut.p50Ms} ms, p95 ${fanOut.p95Ms} ms, p99 ${fanOut.p99Ms} ms, ${fanOut.missing} missing`);
    const idle = await runIdle((name, extra) => start(name, 'dist/main.js', '/health/ready', databaseUrl, { ...serviceEnv, ...extra }), members);
    console.log(`  realtime idle: ${idle.sockets} sockets, RSS ${idle.rssMb?.toFixed(0)} MB, lag p99 ${idle.eventLoopLagP99Ms} ms`);
    realtime = formatRealtime(fanOut, idle);
  }
  await stopAndNote(service);

  // The compared scenarios: service and baseline take turns, each run on a freshly started server, so
  // a slow moment of the machine (MariaDB flushing, another process) falls on both.
  for (let run = 1; run <= SETTINGS.runs; run++) {
    console.log(`run ${run} of ${SETTINGS.runs}`);
    // The floor once, on both: the service's empty route against the baseline's.
    const scenarios = run === 1 ? [SCENARIOS.floor, SCENARIOS.get, SCENARIOS.churn] : [SCENARIOS.get, SCENARIOS.churn];
    service = await startService('service');
    for (const scenario of scenarios) record(rows, 'service', scenario, await runScenario(service, 'service', scenario, seeded));
    await stopAndNote(service);
    const baseline = await startBaseline();
    for (const scenario of scenarios) record(rows, 'baseline', scenario, await runScenario(baseline, 'baseline', scenario, seeded));
    await stopAndNote(baseline);
  }

  // Node's cluster: the same service as WEB_CONCURRENCY=2 workers on one port.
  if (SETTINGS.workers) {
    const workers = await startService('service, 2 workers', { WEB_CONCURRENCY: '2' });
    for (const scenario of [SCENARIOS.get, SCENARIOS.churn]) {
      record(rows, 'service, 2 workers', scenario, await runScenario(workers, 'service, 2 workers', scenario, seeded));
    }
    await stopAndNote(workers);
  }

  const order = Object.values(SCENARIOS).map((scenario) => scenario.name);
  const servers: ServerName[] = ['service', 'service, 2 workers', 'baseline'];
  rows.sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario) || servers.indexOf(a.server) - servers.indexOf(b.server));
  console.log(`\n${formatTable(rows)}\n`);
  console.log(formatErrors(rows));
  if (realtime) console.log(`${realtime}\n`);
  for (const note of notes) console.log(`- ${note}`);
  console.log(`\nload average at the end ${formatLoad()}; total ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
}

/** Adds a run's result to its (scenario, server) row. */
function record(rows: Row[], server: ServerName, scenario: Scenario, result: LoadResult): void {
  const row = rows.find((candidate) => candidate.server === server && candidate.scenario === scenario.name);
  if (row) row.results.push(result);
  else rows.push({ scenario: scenario.name, server, comparable: scenario.comparable, judged: scenario.judged, results: [result] });
}

/** Which code is measured: the commit, and whether src/ had uncommitted changes when it was built. */
function describeSource(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'source: not a git checkout';
  const changed = git('status', '--porcelain', '--', 'src').stdout.trim().split('\n').filter(Boolean).length;
  return `source: commit ${head.stdout.trim()}${changed > 0 ? ` plus ${changed} uncommitted change(s) in src/` : ', src/ clean'}`;
}

function build(): void {
  console.log(describeSource());
  console.log('npm run build…');
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0 || !existsSync(join(ROOT, 'dist/main.js'))) throw new Error('npm run build failed');
}

async function adminQuery(sql: string, database?: string): Promise<unknown> {
  const connection = await createConnection({ ...MARIADB, database, connectTimeout: 3000 });
  try {
    const [rows] = await connection.query(sql);
    return rows;
  } finally {
    await connection.end();
  }
}

async function createDatabase(): Promise<string> {
  const name = `party_bench_${randomBytes(4).toString('hex')}`;
  const [{ version }] = (await adminQuery('SELECT VERSION() AS version')) as { version: string }[];
  await adminQuery(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  console.log(`database ${name} on MariaDB ${version} at ${MARIADB.host}:${MARIADB.port}`);
  return name;
}

async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS \`${name}\``);
  console.log(`dropped database ${name}`);
}

/** A minimal environment, so a developer's shell settings (DB_POOL_SIZE, a .env's values…) do not leak into the numbers. */
async function start(name: string, script: string, readyPath: string, databaseUrl: string, extra: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const port = await freePort();
  const env = { PATH: process.env.PATH, DATABASE_URL: databaseUrl, PORT: String(port), DB_POOL_SIZE, ...extra };
  const nodeFlags = name.startsWith('service') ? productionNodeFlags() : [];
  const server = await startServer({ name, script: join(ROOT, script), nodeFlags, cwd: ROOT, env, port, readyPath });
  console.log(`${name} (pid ${server.child.pid}) ready at ${server.url}`);
  return server;
}

/** Warm-up (not measured), then the measured run. Churn runs start and end with the churners out of the party. */
async function runScenario(server: ServerProcess, serverName: ServerName, scenario: Scenario, seeded: Seeded): Promise<LoadResult> {
  const load = (durationSeconds: number) =>
    runLoad({
      url: server.url,
      connections: SETTINGS.connections,
      durationSeconds,
      players: scenario.players(seeded),
      requestsFor: scenario.requestsFor(seeded),
      pid: server.child.pid!,
    });
  if (SETTINGS.warmupSeconds > 0) {
    if (scenario.churn) await settleChurners(server, seeded);
    await load(SETTINGS.warmupSeconds);
  }
  if (scenario.churn) await settleChurners(server, seeded);
  const result = await load(SETTINGS.durationSeconds);
  if (scenario.churn) {
    await settleChurners(server, seeded);
    await checkSeats(serverName, seeded);
  }
  console.log(
    `  ${serverName} / ${scenario.name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
      `${result.errors} errors, peak RSS ${result.peakRssMb.toFixed(0)} MB, CPU ${result.cpuMicrosPerRequest.toFixed(0)} µs/request`,
  );
  return result;
}

/**
 * Gets the churn players out of the big party and waits until they stay out. autocannon stops by
 * closing its sockets, but the requests already sent still run to the end on the server (a join may
 * be queued for the party lock), so a join can land after a first reset: reset again until a pass,
 * a second after the previous one, finds nobody left to remove.
 */
async function settleChurners(server: ServerProcess, seeded: Seeded): Promise<void> {
  for (let pass = 1; pass <= SETTLE_MAX_PASSES; pass++) {
    await sleep(SETTLE_PAUSE_MS);
    if ((await resetChurners(server.url, seeded)) === 0) return;
  }
  throw new Error(`${server.name}: churn players were still joining the party after ${SETTLE_MAX_PASSES} resets`);
}

/**
 * The invariant churn must keep: the party's member_count equals its accepted memberships, read
 * straight from the database; with the churners gone, both must be the seeded 200.
 */
async function checkSeats(serverName: ServerName, seeded: Seeded): Promise<void> {
  const [row] = (await adminQuery(
    `SELECT member_count AS seats, (SELECT COUNT(*) FROM membership WHERE party_id = party.id AND status = 1) AS accepted ` +
      `FROM party WHERE id = ${Number(seeded.bigPartyId)}`,
    databaseName,
  )) as { seats: number; accepted: number }[];
  const ok = Number(row.seats) === Number(row.accepted) && Number(row.accepted) === seeded.bigPartyMembers;
  notes.push(
    `${serverName}: after join+leave churn, member_count = ${row.seats}, accepted memberships = ${row.accepted} ` +
      `(expected ${seeded.bigPartyMembers} and ${seeded.bigPartyMembers}): ${ok ? 'consistent' : 'INCONSISTENT'}`,
  );
}

async function stopAndNote(server: ServerProcess): Promise<void> {
  const hwm = memoryMb(server.child.pid!, 'VmHWM');
  const exitedEarly = server.child.exitCode !== null;
  await stopServer(server);
  notes.push(
    `${server.name}: VmHWM (peak RSS over the process's whole life${server.name === 'service' ? ', seeding included' : ''}) ${hwm === null ? 'n/a' : `${hwm.toFixed(0)} MB`}; ` +
      `logged ${server.logged().warn} WARN and ${server.logged().error} ERROR lines${exitedEarly ? `; EXITED EARLY with code ${server.child.exitCode}` : ''}`,
  );
  if (server.logged().error > 0) notes.push(`${server.name}: last output lines:\n${server.outputLines().slice(-20).join('\n')}`);
}

/* ---------- cleanup: servers stopped and the database dropped, whatever happens ---------- */

const cleanupTasks: (() => Promise<void>)[] = [];
let cleanupRun: Promise<void> | null = null;

function cleanup(): Promise<void> {
  cleanupRun ??= (async () => {
    await stopAllServers();
    for (const task of cleanupTasks.reverse()) {
      await task().catch((error: unknown) => console.error(`cleanup: ${(error as Error).message}`));
    }
  })();
  return cleanupRun;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping servers and dropping the database…`);
    void cleanup().finally(() => process.exit(130));
  });
}
// Should the process end any other way, at least no server outlives it.
process.on('exit', killAllServersNow);

function positiveIntFromEnv(name: string, fallback: number, zeroAllowed = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) throw new Error(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} integer`);
  return value;
}

function formatLoad(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

main()
  .then(
    () => cleanup(),
    async (error: unknown) => {
      console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
      await cleanup();
    },
  )
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
