'use strict';
/*
 * The baseline for `npm run bench`: the least a Node server can do to answer the same requests as the
 * service, so the bench can say how much of the service's cost is the framework stack (Nest, Express,
 * class-validator, TypeORM) rather than the database work itself.
 *
 * Bare `node:http` + a mysql2 pool (+ ioredis with REDIS_URL), answering only:
 *   GET    /api/table/services/parties/:id   get a party
 *   POST   /api/table/services/parties/:id   join it (public party: accepted at once)
 *   DELETE /api/table/services/parties/:id   leave it
 *   GET    /health                           readiness for the bench runner
 *
 * It runs the statements the service runs (see src/players/sessions.service.ts, src/party/party.store.ts,
 * src/party/party.service.ts, src/party/party-queries.service.ts; checked against TypeORM's query log),
 * as of commit 7074b39 (join refuses from committed data, then re-checks under the party lock); when
 * the service's SQL changes, this file must follow. Two deliberate differences:
 * the session lookup is ONE query (TypeORM's findOne with a relation issues two: a DISTINCT id subquery,
 * then the row), and the membership id comes from insertId instead of `INSERT … RETURNING id`.
 *
 * It also does the per-request work SPEC asks of the service, so the ratio compares like with like:
 * with REDIS_URL, the per-player rate-limit counter (the service's Redis script) on every request, and
 * after each write's COMMIT a PUBLISH of its change to the events channel; every write raises the
 * party's version and inserts its party_event row in the write's transaction (SPEC §7).
 *
 * Plain JavaScript on purpose: run with bare `node`, so its RSS is not inflated by a TypeScript loader.
 * Env: DATABASE_URL (mysql:// or mariadb://), PORT, DB_POOL_SIZE (default 10, the service's default),
 * REDIS_URL, REDIS_KEY_PREFIX, REDIS_EVENTS_CHANNEL (the service's defaults).
 */
const http = require('node:http');
const { createHash } = require('node:crypto');
const mysql = require('mysql2/promise');
const Redis = require('ioredis');

/** The service's rate-limit script (src/common/rate-limit/rate-limit.store.ts): count and start the window in one round trip. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;
const RATE_WINDOW_MS = 60_000;
const RATE_LIMIT_PLAYER = Number(process.env.RATE_LIMIT_PLAYER || 600);

const MAX_BODY_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 4; // the service retries a deadlock or lock-wait timeout this many times
const ROLE = { OWNER: 1, MEMBER: 3 };
const STATUS = { WAITING: 0, ACCEPTED: 1 };
const PARTY_PATH = /^\/api\/table\/services\/parties\/(\d{1,10})$/;

const PARTY_COLUMNS =
  'id, name, description, image, max_member_count, member_count, is_private, teams, channels, data, variables, owner_id, created_at, version';
const MEMBERSHIP_COLUMNS = 'id, party_id, player_id, role, status, data, variables, channels, team, created_at';
const SESSION_PLAYER_COLUMNS = 'p.id AS p_id, p.is_ban';

class HttpError extends Error {
  constructor(statusCode, code, message) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
  }
}

function createPool(databaseUrl, poolSize) {
  const url = new URL(databaseUrl);
  return mysql.createPool({
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z', // as the service's data source: DATETIME columns hold UTC
    connectionLimit: poolSize,
    waitForConnections: true,
    connectTimeout: 2000,
  });
}

/** The same check as SessionGuard + SessionsService.authenticate: SHA-256 of the bearer token, live session, not banned. */
async function authenticate(pool, authorization) {
  const match = /^Bearer ([A-Za-z0-9_-]{16,256})$/.exec(authorization ?? '');
  if (!match) throw new HttpError(401, 'UNAUTHENTICATED', 'missing or malformed Authorization: Bearer <session token>');
  const tokenHash = createHash('sha256').update(match[1]).digest('hex');
  const [rows] = await pool.query(
    `SELECT ${SESSION_PLAYER_COLUMNS} FROM session s INNER JOIN player p ON p.id = s.player_id WHERE s.token_hash = ? AND s.expires_at > ? LIMIT 1`,
    [tokenHash, new Date()],
  );
  if (rows.length === 0) throw new HttpError(401, 'UNAUTHENTICATED', 'session token is unknown or expired');
  if (rows[0].is_ban) throw new HttpError(403, 'BANNED', `player ${rows[0].p_id} is banned`);
  return rows[0].p_id;
}

/** The per-player counter, as the service's RateLimiter counts it (when there is a Redis). */
async function countRequest(redis, playerId) {
  if (!redis) return;
  const [count] = await redis.eval(HIT_SCRIPT, 1, `${process.env.REDIS_KEY_PREFIX || 'party:ratelimit:'}player:${playerId}`, RATE_WINDOW_MS);
  if (count > RATE_LIMIT_PLAYER) throw new HttpError(429, 'RATE_LIMITED', 'too many requests');
}

/** SPEC §7 in the write's transaction: the version raised by one, and the change's event row. */
async function recordChange(connection, party, type, membership, moves) {
  const version = party.version + 1;
  await connection.query('UPDATE party SET version = ? WHERE id = ?', [version, party.id]);
  const record = { party: party.id, version, at: new Date().toISOString(), events: [{ type, data: { membership } }], moves };
  await connection.query('INSERT INTO party_event (party_id, version, events, moves, created_at) VALUES (?, ?, ?, ?, ?)', [
    party.id,
    version,
    JSON.stringify(record.events),
    JSON.stringify(record.moves),
    new Date(record.at),
  ]);
  return record;
}

/** After COMMIT: the change goes to the other processes, as the service's EventBus sends it. */
function publish(redis, record) {
  if (!redis) return;
  const message = JSON.stringify({ origin: 'baseline', message: { kind: 'change', record } });
  redis.publish(process.env.REDIS_EVENTS_CHANNEL || 'party:events', message).catch(() => undefined);
}

/** The service's transaction shape: READ COMMITTED, retried on deadlock (1213) or lock-wait timeout (1205). */
async function inTransaction(pool, work) {
  for (let attempt = 1; ; attempt++) {
    const connection = await pool.getConnection();
    try {
      await connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await connection.query('START TRANSACTION');
      const result = await work(connection);
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      const retryable = error.errno === 1213 || error.errno === 1205;
      if (!retryable || attempt === MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    } finally {
      connection.release();
    }
  }
}

async function lockParty(connection, partyId) {
  const [rows] = await connection.query(`SELECT ${PARTY_COLUMNS} FROM party WHERE id = ? FOR UPDATE`, [partyId]);
  if (rows.length === 0) throw new HttpError(404, 'PARTY_NOT_FOUND', `party ${partyId} does not exist`);
  return rows[0];
}

async function getParty(pool, partyId) {
  const [rows] = await pool.query(`SELECT ${PARTY_COLUMNS} FROM party WHERE id = ? LIMIT 1`, [partyId]);
  if (rows.length === 0) throw new HttpError(404, 'PARTY_NOT_FOUND', `party ${partyId} does not exist`);
  return { row: partyView(rows[0]) };
}

/**
 * The party with, for this player, a ban count and a membership count: party.store.ts readJoinState.
 * Without the lock it is the service's early refusal from committed data; with it, the check that counts.
 */
async function readJoinState(db, partyId, playerId, lock) {
  const [rows] = await db.query(
    `SELECT ${PARTY_COLUMNS}, ` +
      '(SELECT COUNT(*) FROM party_ban ban WHERE ban.party_id = party.id AND ban.player_id = ?) AS banned, ' +
      '(SELECT COUNT(*) FROM membership m WHERE m.party_id = party.id AND m.player_id = ?) AS memberships ' +
      `FROM party WHERE party.id = ?${lock ? ' FOR UPDATE' : ''}`,
    [playerId, playerId, partyId],
  );
  if (rows.length === 0) throw new HttpError(404, 'PARTY_NOT_FOUND', `party ${partyId} does not exist`);
  const party = rows[0];
  if (Number(party.banned) > 0) throw new HttpError(403, 'PERMISSION_DENIED', `player ${playerId} is banned from party ${partyId}`);
  if (Number(party.memberships) > 0) throw new HttpError(409, 'ALREADY_MEMBER', `player ${playerId} already has a membership in party ${partyId}`);
  if (!party.is_private && party.member_count >= party.max_member_count) throw partyFull(party);
  return party;
}

const partyFull = (party) => new HttpError(409, 'PARTY_FULL', `party ${party.id} is full (${party.max_member_count} members)`);

/** PartyService.join for a body without team or channels: refuse early without the lock, then lock, re-check, take a seat, insert. */
async function join(pool, redis, partyId, playerId) {
  await readJoinState(pool, partyId, playerId, false);
  const { answer, record } = await inTransaction(pool, async (connection) => {
    const party = await readJoinState(connection, partyId, playerId, true);
    if (!party.is_private) {
      const [seat] = await connection.query('UPDATE party SET member_count = member_count + 1 WHERE id = ? AND member_count < max_member_count', [partyId]);
      if (seat.affectedRows !== 1) throw partyFull(party);
    }
    const membership = {
      party_id: partyId,
      player_id: playerId,
      role: ROLE.MEMBER,
      status: party.is_private ? STATUS.WAITING : STATUS.ACCEPTED,
      data: '',
      variables: '{}',
      channels: '[]',
      team: null,
      created_at: new Date(),
    };
    const [inserted] = await connection.query(
      'INSERT INTO membership (party_id, player_id, role, status, data, variables, channels, team, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      Object.values(membership),
    );
    const view = membershipView({ id: inserted.insertId, ...membership });
    const move = { player: playerId, from: null, to: party.is_private ? 'waiting' : 'member' };
    return { answer: { row: view }, record: await recordChange(connection, party, party.is_private ? 'request.created' : 'member.joined', view, [move]) };
  });
  publish(redis, record);
  return answer;
}

/** PartyService.leave for a non-owner (the bench never makes an owner leave; owner succession is not copied here). */
async function leave(pool, redis, partyId, playerId) {
  const { answer, record } = await inTransaction(pool, async (connection) => {
    const party = await lockParty(connection, partyId);
    const [rows] = await connection.query(`SELECT ${MEMBERSHIP_COLUMNS} FROM membership WHERE party_id = ? AND player_id = ? LIMIT 1`, [partyId, playerId]);
    if (rows.length === 0) throw new HttpError(404, 'MEMBERSHIP_NOT_FOUND', `player ${playerId} is not in party ${partyId}`);
    const membership = rows[0];
    if (membership.role === ROLE.OWNER) throw new HttpError(501, 'NOT_IMPLEMENTED', 'the baseline does not hand ownership over');
    await connection.query('DELETE FROM membership WHERE id = ?', [membership.id]);
    if (membership.status === STATUS.ACCEPTED) {
      await connection.query('UPDATE party SET member_count = member_count - 1 WHERE id = ? AND member_count > 0', [partyId]);
    }
    const view = membershipView(membership);
    const waiting = membership.status === STATUS.WAITING;
    const move = { player: playerId, from: waiting ? 'waiting' : 'member', to: null };
    return { answer: { row: view, affected: 1 }, record: await recordChange(connection, party, waiting ? 'request.withdrawn' : 'member.left', view, [move]) };
  });
  publish(redis, record);
  return answer;
}

/** The service's PartyView: simple-json columns are parsed, and teams/channels leave as JSON strings again. */
function partyView(row) {
  return {
    id: row.id,
    name: row.name,
    desc: row.description,
    image: row.image,
    max_member_count: row.max_member_count,
    is_private: Boolean(row.is_private),
    teams: JSON.stringify(JSON.parse(row.teams)),
    channels: JSON.stringify(JSON.parse(row.channels)),
    data: row.data,
    variables: JSON.parse(row.variables),
    owner: row.owner_id,
    member_count: row.member_count,
    created_at: row.created_at.toISOString(),
    version: row.version,
  };
}

function membershipView(row) {
  return {
    id: row.id,
    party: row.party_id,
    player: row.player_id,
    role: row.role,
    status: row.status,
    data: row.data,
    variables: JSON.parse(row.variables),
    channels: JSON.stringify(JSON.parse(row.channels)),
    team: row.team,
  };
}

/** Reads and parses a JSON body, as express.json() does for the service (join sends `{}`). */
function readJsonBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body is too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? {} : JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'VALIDATION_FAILED', 'malformed JSON body'));
      }
    });
    request.on('error', reject);
  });
}

async function route(pool, redis, request) {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'GET' && pathname === '/health') return { status: 'ok' };
  const match = PARTY_PATH.exec(pathname);
  if (!match) throw new HttpError(404, 'NOT_FOUND', `no route ${request.method} ${pathname}`);
  const partyId = Number(match[1]);
  if (partyId < 1 || partyId > 2147483647) throw new HttpError(400, 'VALIDATION_FAILED', 'partyId must be a positive 32-bit integer');

  if (request.method === 'POST') await readJsonBody(request);
  const playerId = await authenticate(pool, request.headers.authorization);
  await countRequest(redis, playerId);
  if (request.method === 'GET') return getParty(pool, partyId);
  if (request.method === 'POST') return join(pool, redis, partyId, playerId);
  if (request.method === 'DELETE') return leave(pool, redis, partyId, playerId);
  throw new HttpError(404, 'NOT_FOUND', `no route ${request.method} ${pathname}`);
}

function send(response, statusCode, body) {
  const payload = JSON.stringify(body);
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

function main() {
  const pool = createPool(process.env.DATABASE_URL, Number(process.env.DB_POOL_SIZE || 10));
  const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : null;
  redis?.on('error', () => undefined);
  const server = http.createServer((request, response) => {
    route(pool, redis, request).then(
      (body) => send(response, 200, body),
      (error) => {
        if (error instanceof HttpError) return send(response, error.statusCode, { statusCode: error.statusCode, code: error.code, message: error.message });
        console.error(error);
        send(response, 500, { statusCode: 500, code: 'INTERNAL', message: String(error?.message ?? error) });
      },
    );
  });
  // Same as Node's default for the service (Express on node:http): keep-alive connections, no extra tuning.
  server.listen(Number(process.env.PORT || 3001), '127.0.0.1', () => console.log(`baseline listening on 127.0.0.1:${server.address().port}`));
  const stop = () => server.close(() => pool.end().finally(() => (redis?.disconnect(), process.exit(0))));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
