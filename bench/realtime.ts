/*
 * The realtime scenarios of `npm run bench` (SPEC §7):
 * - fan-out: one party of 1,000 members, each with a socket, half on each of two service processes
 *   sharing MariaDB and Redis; the owner edits the party through one process, and each socket's
 *   delivery time after the HTTP answer is recorded (p50/p95/p99 over every socket and edit);
 * - idle: 5,000 authenticated sockets on one process (1,000 players × 5), pinged every 5 s: its RSS,
 *   and its event-loop lag p99 over a quiet window (prom-client's, read from /metrics).
 * Every wait is bounded; everything talks to 127.0.0.1.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { memoryMb, ServerProcess, sleep, stopServer } from './processes';
import { BenchPlayer, createPlayers, PARTIES_PATH } from './seed';

const MEMBERS = 1000;
const EDITS = 30;
const SOCKETS_PER_PLAYER = 5;
const DELIVERY_TIMEOUT_MS = 10_000;
const IDLE_WINDOW_MS = 12_000;

export interface FanOutResult {
  sockets: number;
  events: number;
  /** Deliveries that never came within DELIVERY_TIMEOUT_MS (must be 0). */
  missing: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Deliveries over 100 ms, by edit and by the process holding the socket: where a slow tail comes from. */
  late: string[];
}

export interface IdleResult {
  sockets: number;
  rssMb: number | null;
  eventLoopLagP99Ms: number | null;
}

type StartService = (name: string, extra: NodeJS.ProcessEnv) => Promise<ServerProcess>;

/** A socket that records when each version of one party reached it. */
class TimedSocket {
  readonly arrivals = new Map<number, number>();
  private constructor(readonly ws: WebSocket) {}

  static open(url: string, token: string, partyId: number): Promise<TimedSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    const socket = new TimedSocket(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket not ready within 10 s')), 10_000);
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { type: string; party?: number; version?: number };
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(socket);
        } else if (message.party === partyId && message.version !== undefined && !socket.arrivals.has(message.version)) {
          socket.arrivals.set(message.version, performance.now());
        }
      });
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`socket closed ${code} before ready`)));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

async function openAll(urlFor: (i: number) => string, tokens: string[], partyId: number): Promise<TimedSocket[]> {
  const sockets: TimedSocket[] = [];
  for (let i = 0; i < tokens.length; i += 100) {
    sockets.push(...(await Promise.all(tokens.slice(i, i + 100).map((token, j) => TimedSocket.open(urlFor(i + j), token, partyId)))));
  }
  return sockets;
}

async function editParty(url: string, owner: BenchPlayer, partyId: number, desc: string): Promise<number> {
  const response = await fetch(`${url}${PARTIES_PATH}/${partyId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
    body: JSON.stringify({ data: { desc } }),
  });
  const body = (await response.json()) as { row: { version: number } };
  if (!response.ok) throw new Error(`edit answered ${response.status}`);
  return body.row.version;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The members' party: `members` players (the owner first), each with a session, all accepted in one public party. */
export async function seedBigParty(url: string, serverKey: string): Promise<{ players: BenchPlayer[]; partyId: number }> {
  const players = await createPlayers(url, serverKey, MEMBERS, 'rt');
  const created = await fetch(`${url}${PARTIES_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${players[0].token}` },
    body: JSON.stringify({ data: { name: 'Realtime lobby', max_member_count: MEMBERS } }),
  });
  const partyId = ((await created.json()) as { row: { id: number } }).row.id;
  for (let i = 1; i < players.length; i += 8) {
    await Promise.all(
      players.slice(i, i + 8).map(async (player) => {
        const joined = await fetch(`${url}${PARTIES_PATH}/${partyId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${player.token}` },
          body: '{}',
        });
        if (!joined.ok) throw new Error(`join answered ${joined.status}`);
      }),
    );
  }
  return { players, partyId };
}

/** One event fanned out to every member's socket, across two processes: delivery after the HTTP answer. */
export async function runFanOut(start: StartService, seeded: { players: BenchPlayer[]; partyId: number }, writer: ServerProcess): Promise<FanOutResult> {
  const other = await start('service-2', {});
  const urls = [writer.url, other.url];
  const sockets = await openAll(
    (i) => urls[i % 2],
    seeded.players.map((player) => player.token),
    seeded.partyId,
  );
  const latencies: number[] = [];
  const late: string[] = [];
  let missing = 0;
  try {
    for (let i = 0; i < EDITS; i++) {
      const version = await editParty(writer.url, seeded.players[0], seeded.partyId, `edit ${i}`);
      const answeredAt = performance.now();
      const deadline = answeredAt + DELIVERY_TIMEOUT_MS;
      while (sockets.some((socket) => !socket.arrivals.has(version)) && performance.now() < deadline) await sleep(5);
      const lateBy = [0, 0];
      for (const [index, socket] of sockets.entries()) {
        const arrivedAt = socket.arrivals.get(version);
        if (arrivedAt === undefined) missing++;
        else latencies.push(Math.max(0, arrivedAt - answeredAt));
        if (arrivedAt === undefined || arrivedAt - answeredAt > 100) lateBy[index % 2]++;
      }
      if (lateBy[0] + lateBy[1] > 0) late.push(`edit ${i} (v${version}): ${lateBy[0]} late on the writer, ${lateBy[1]} on the other process`);
      await sleep(50);
    }
  } finally {
    sockets.forEach((socket) => socket.close());
    await stopServer(other);
  }
  latencies.sort((a, b) => a - b);
  const ms = (p: number) => Math.round(percentile(latencies, p) * 10) / 10;
  return { sockets: sockets.length, events: EDITS, missing, p50Ms: ms(50), p95Ms: ms(95), p99Ms: ms(99), late };
}

/** 5,000 authenticated sockets held open on one process, pinged every 5 s: its memory and event-loop lag. */
export async function runIdle(start: StartService, seeded: { players: BenchPlayer[]; partyId: number }): Promise<IdleResult> {
  const server = await start('service-idle', { WS_PING_INTERVAL_MS: '5000' });
  const tokens = seeded.players.flatMap((player) => Array.from({ length: SOCKETS_PER_PLAYER }, () => player.token));
  const sockets = await openAll(() => server.url, tokens, seeded.partyId);
  try {
    await sleep(2000);
    await fetch(`${server.url}/metrics`); // resets the lag histogram: the window starts now
    await sleep(IDLE_WINDOW_MS);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const lag = /^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(metrics);
    const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) / 2 ** 20;
    console.log(
      `  idle: heap used ${metric('nodejs_heap_size_used_bytes').toFixed(0)} MB, heap total ${metric('nodejs_heap_size_total_bytes').toFixed(0)} MB, external ${metric('nodejs_external_memory_bytes').toFixed(0)} MB`,
    );
    const open = sockets.filter((socket) => socket.ws.readyState === WebSocket.OPEN).length;
    return { sockets: open, rssMb: memoryMb(server.child.pid!, 'VmRSS'), eventLoopLagP99Ms: lag ? Math.round(Number(lag[1]) * 1000 * 10) / 10 : null };
  } finally {
    sockets.forEach((socket) => socket.close());
    await stopServer(server);
  }
}

export function formatRealtime(fanOut: FanOutResult, idle: IdleResult): string {
  const fanOutOk = fanOut.p95Ms <= 200 && fanOut.missing === 0;
  const idleOk = (idle.rssMb ?? Infinity) <= 300 && (idle.eventLoopLagP99Ms ?? Infinity) <= 20 && idle.sockets === MEMBERS * SOCKETS_PER_PLAYER;
  return [
    `realtime fan-out: ${fanOut.events} edits × ${fanOut.sockets} member sockets over 2 processes (Redis): delivery after the HTTP answer ` +
      `p50 ${fanOut.p50Ms} ms, p95 ${fanOut.p95Ms} ms, p99 ${fanOut.p99Ms} ms, ${fanOut.missing} missing (goal p95 <= 200 ms, 0 missing): ${fanOutOk ? 'ok' : 'MISS'}` +
      (fanOut.late.length > 0 ? `\n  deliveries over 100 ms: ${fanOut.late.join('; ')}` : ''),
    `realtime idle: ${idle.sockets} authenticated sockets on one process: RSS ${idle.rssMb?.toFixed(0) ?? 'n/a'} MB, event-loop lag p99 ` +
      `${idle.eventLoopLagP99Ms ?? 'n/a'} ms over ${IDLE_WINDOW_MS / 1000} s with pings every 5 s (goal RSS <= 300 MB, lag p99 <= 20 ms): ${idleOk ? 'ok' : 'MISS'}`,
  ].join('\n');
}
