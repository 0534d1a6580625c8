/*
 * `npm run bench:scale`: lists at scale (issue 13). Starts the built service on a fresh MariaDB
 * database, seeds 100,000 parties, 100,000 players and 1,000,000 memberships straight in SQL (MariaDB's
 * sequence tables: through the API it would take an hour), then drives list (no query), search, my
 * parties and the members page with autocannon (50 connections), and prints each query's EXPLAIN, read
 * from the statements the service itself sent (MariaDB's general log, on only for one request each).
 *
 * Knobs: BENCH_CONNECTIONS (50), BENCH_DURATION (10), BENCH_WARMUP (2). MariaDB on 127.0.0.1:3306, root.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Connection, createConnection } from 'mysql2/promise';
import { request, runLoad } from './load';
import { freePort, productionNodeFlags, ServerProcess, startServer, stopServer } from './processes';
import { searchIndexOf } from '../src/party/search/search-text';
import { BenchPlayer, PARTIES_PATH, SEARCH_QUERY } from './seed';

const ROOT = join(__dirname, '..');
const PARTIES = 100_000;
const PLAYERS = 100_000;
const MEMBERSHIPS_PER_PLAYER = 10; // 1,000,000 memberships, about 10 per party
const MAX_P99_MS = 50;
const connections = Number(process.env.BENCH_CONNECTIONS || 50);
const durationSeconds = Number(process.env.BENCH_DURATION || 10);
const warmupSeconds = Number(process.env.BENCH_WARMUP || 2);

async function seed(db: Connection): Promise<BenchPlayer[]> {
  const started = Date.now();
  const themes = `ELT(1 + seq % 3, 'Friday Raid', 'Casual evening', 'Speedrun practice')`;
  const descs = `ELT(1 + seq % 3, 'Weekly raid, bring potions', 'Chill games, all welcome', 'Routing and resets')`;
  await db.query(
    `INSERT INTO player (id, name, image, username, label, tags, is_ban, is_tester, is_guest, created_at)
     SELECT seq, CONCAT('Scale player ', seq), '', CONCAT('scale_', seq), '', '[]', 0, 0, 0, NOW(3) FROM seq_1_to_${PLAYERS}`,
  );
  await db.query(
    `INSERT INTO party (id, name, description, image, max_member_count, member_count, is_private, teams, channels, data, variables, owner_id, created_at, version)
     SELECT seq, CONCAT(${themes}, ' #', seq), ${descs}, '', 1000, 0, 0, '[]', '[]', '', '{}', NULL, NOW(3), 1 FROM seq_1_to_${PARTIES}`,
  );
  // Player p is in 10 parties, spread over all of them (7919 is prime, so no pair repeats).
  await db.query(
    `INSERT INTO membership (party_id, player_id, role, status, data, variables, channels, team, created_at)
     SELECT 1 + ((seq * 7919) % ${PARTIES}), 1 + (seq DIV ${MEMBERSHIPS_PER_PLAYER}), 3, 1, '', '{}', '[]', NULL, NOW(3)
     FROM seq_0_to_${PLAYERS * MEMBERSHIPS_PER_PLAYER - 1}`,
  );
  // The search index as the service writes it (search-text.ts): the seeded names are ASCII, where SQL's
  // LOWER() folds as foldForSearch does; checkSearchIndex compares a sample with the service's own code.
  await db.query(`INSERT INTO party_search (party_id, text) SELECT id, LOWER(CONCAT(name, CHAR(31), description)) FROM party`);
  await db.query(
    `INSERT IGNORE INTO party_gram (gram, party_id)
     SELECT SUBSTRING(f.text, s.seq, 3), f.id
     FROM (SELECT id, LOWER(name) AS text FROM party UNION ALL SELECT id, LOWER(description) FROM party) f
     INNER JOIN seq_1_to_128 s ON s.seq <= CHAR_LENGTH(f.text) - 2`,
  );
  await checkSearchIndex(db);
  await db.query(
    'UPDATE party p INNER JOIN (SELECT party_id, COUNT(*) AS n FROM membership GROUP BY party_id) m ON m.party_id = p.id SET p.member_count = m.n',
  );
  // One session per connection's player, with a token only this run knows.
  const players: BenchPlayer[] = Array.from({ length: connections }, (_, i) => ({ id: i + 1, token: `scale-${randomBytes(24).toString('base64url')}` }));
  for (const player of players) {
    await db.query(
      'INSERT INTO session (token_hash, player_id, expires_at, created_at, revoked) VALUES (SHA2(?, 256), ?, NOW(3) + INTERVAL 1 DAY, NOW(3), 0)',
      [player.token, player.id],
    );
  }
  await db.query('ANALYZE TABLE party, party_search, party_gram, membership, player, session');
  console.log(
    `seeded ${PARTIES} parties, ${PLAYERS} players, ${PLAYERS * MEMBERSHIPS_PER_PLAYER} memberships in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return players;
}

/** A few seeded parties' index rows must be what the service would have written for them. */
async function checkSearchIndex(db: Connection): Promise<void> {
  for (const id of [1, 31415, PARTIES]) {
    const [[party]] = (await db.query('SELECT name, description FROM party WHERE id = ?', [id])) as unknown as [{ name: string; description: string }[]];
    const [[indexed]] = (await db.query('SELECT text FROM party_search WHERE party_id = ?', [id])) as unknown as [{ text: string }[]];
    const [grams] = (await db.query('SELECT gram FROM party_gram WHERE party_id = ? ORDER BY gram', [id])) as unknown as [{ gram: string }[]];
    const expected = searchIndexOf(party.name, party.description);
    const actual = grams.map((row) => row.gram).sort();
    if (indexed.text !== expected.text || JSON.stringify(actual) !== JSON.stringify(expected.grams.sort())) {
      throw new Error(`seeded search index of party ${id} differs from the service's`);
    }
  }
}

/** The searches measured must find what they should, or their speed means nothing. */
async function checkSearchAnswers(service: ServerProcess, player: BenchPlayer): Promise<void> {
  const expectations: [string, number][] = [
    [SEARCH_QUERY, Math.floor(PARTIES / 3)], // ids 3, 6, …: "Friday Raid #n", "Weekly raid, bring potions"
    [RARE_QUERY, 1],
  ];
  for (const [query, expected] of expectations) {
    const response = await fetch(`${service.url}${PARTIES_PATH}?query=${encodeURIComponent(query)}`, { headers: { authorization: `Bearer ${player.token}` } });
    const { totalCount } = (await response.json()) as { totalCount: number };
    if (totalCount !== expected) throw new Error(`search ${query}: totalCount ${totalCount}, expected ${expected}`);
  }
}

/** One party's name holds it ("Friday Raid #31415", and no other: ids stop at 100,000). */
const RARE_QUERY = '#31415';

const SCENARIOS = [
  { name: 'list (no query)', path: () => PARTIES_PATH },
  { name: `search ?query=${SEARCH_QUERY} (a third of the parties)`, path: () => `${PARTIES_PATH}?query=${SEARCH_QUERY}` },
  { name: `search ?query=${RARE_QUERY} (one party)`, path: () => `${PARTIES_PATH}?query=${encodeURIComponent(RARE_QUERY)}` },
  { name: 'my parties', path: () => `${PARTIES_PATH}/me` },
  { name: 'members page', path: () => `${PARTIES_PATH}/4242/members` },
];

/** The statements the service sends for one request of each scenario, from MariaDB's general log, and their EXPLAIN. */
async function explainAll(db: Connection, service: ServerProcess, player: BenchPlayer, database: string): Promise<string[]> {
  const lines: string[] = [];
  for (const scenario of SCENARIOS) {
    await db.query("SET GLOBAL log_output = 'TABLE'");
    await db.query('TRUNCATE mysql.general_log');
    await db.query('SET GLOBAL general_log = 1');
    await fetch(service.url + scenario.path(), { headers: { authorization: `Bearer ${player.token}` } });
    await db.query('SET GLOBAL general_log = 0');
    const [rows] = await db.query(`SELECT CONVERT(argument USING utf8mb4) AS statement FROM mysql.general_log WHERE command_type IN ('Query', 'Execute')`);
    const statements = (rows as { statement: string }[])
      .map((row) => row.statement)
      .filter((statement) => /^\s*SELECT/i.test(statement) && statement.includes(database) === false && !/session/i.test(statement));
    lines.push(`### ${scenario.name}`);
    for (const statement of statements) {
      const [plan] = await db.query(`EXPLAIN ${statement}`);
      lines.push('```sql', statement, '```', '```');
      for (const step of plan as Record<string, string | number | null>[]) {
        lines.push(`${step.table}: type=${step.type} key=${step.key ?? 'NULL'} rows=${step.rows} ${step.Extra ?? ''}`.trim());
      }
      lines.push(`time in MariaDB alone: ${await fastestMs(db, statement)} ms (fastest of 3)`, '```');
    }
  }
  return lines;
}

/** A statement's own time in the database, run from this connection: what a request pays when no cache answers for it. */
async function fastestMs(db: Connection, statement: string): Promise<string> {
  let fastest = Infinity;
  for (let run = 0; run < 3; run++) {
    const started = process.hrtime.bigint();
    await db.query(statement);
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return fastest.toFixed(1);
}

async function main(): Promise<void> {
  const admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', multipleStatements: false });
  const database = `party_scale_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  let service: ServerProcess | null = null;
  try {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      DATABASE_URL: `mariadb://root@127.0.0.1:3306/${database}`,
      PORT: String(port),
      NODE_ENV: 'production',
      SERVER_KEY: randomBytes(32).toString('base64url'),
      RATE_LIMIT_ENABLED: 'false',
    };
    service = await startServer({
      name: 'service',
      script: join(ROOT, 'dist/main.js'),
      nodeFlags: productionNodeFlags(),
      cwd: ROOT,
      env,
      port,
      readyPath: '/health/ready',
    });
    await admin.query(`USE \`${database}\``);
    const players = await seed(admin);
    await checkSearchAnswers(service, players[0]);
    const results: string[] = [];
    for (const scenario of SCENARIOS) {
      const load = (seconds: number) =>
        runLoad({
          url: service!.url,
          connections,
          durationSeconds: seconds,
          players,
          requestsFor: (player) => [request(player, 'GET', scenario.path())],
          pid: service!.child.pid!,
        });
      if (warmupSeconds > 0) await load(warmupSeconds);
      const result = await load(durationSeconds);
      const line = `| ${scenario.name} | ${result.requestsPerSecond.toFixed(0)} | ${result.cpuMicrosPerRequest.toFixed(0)} | ${result.p50Ms} | ${result.p99Ms} ${result.p99Ms <= MAX_P99_MS ? 'ok' : 'MISS'} | ${result.errors} |`;
      console.log(line);
      results.push(line);
    }
    console.log(
      `\n| scenario | req/s | CPU µs/req | p50 ms | p99 ms (target <= ${MAX_P99_MS}) | errors |\n|---|---:|---:|---:|---:|---:|\n${results.join('\n')}\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000)); // requests still in flight from the last scenario end first
    console.log((await explainAll(admin, service, players[0], database)).join('\n'));
  } finally {
    if (service) await stopServer(service);
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
