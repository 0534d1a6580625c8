import autocannon from 'autocannon';
import type { BenchPlayer } from './seed';
import { cpuSeconds, sampleRss } from './processes';

/** What one connection sends, in a loop, as the given player. */
export type RequestsFor = (player: BenchPlayer) => autocannon.Request[];

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** One player per connection: connection i sends requestsFor(players[i]). */
  players: BenchPlayer[];
  requestsFor: RequestsFor;
  /** The server's pid, for its peak RSS during the run. */
  pid: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers plus socket errors and timeouts. */
  errors: number;
  /** The socket errors and timeouts among them. */
  socketErrors: number;
  statusCodes: Record<string, number>;
  /** Up to a few distinct non-2xx bodies, to say what went wrong. */
  errorSamples: string[];
  peakRssMb: number;
  /** The server's CPU time (all its processes and threads) per completed request, in µs. */
  cpuMicrosPerRequest: number;
}

const ERROR_SAMPLES_KEPT = 5;

/** A JSON request with the player's bearer token. */
export function request(player: BenchPlayer, method: autocannon.Request['method'], path: string, body?: unknown): autocannon.Request {
  return {
    method,
    path,
    headers: { authorization: `Bearer ${player.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/**
 * Drives the server with autocannon. Each connection gets its own player through setupClient +
 * client.setRequests, so e.g. in the churn scenario connection i is always player i alternating join
 * and leave, and never collides with another connection's membership (which would be a 409).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.players.length < options.connections) throw new Error(`need ${options.connections} players, have ${options.players.length}`);
  const errorSamples = new Set<string>();
  const recordErrors = (requests: autocannon.Request[]) =>
    requests.map((r) => ({
      ...r,
      onResponse: (status: number, body: string) => {
        if ((status < 200 || status > 299) && errorSamples.size < ERROR_SAMPLES_KEPT) {
          errorSamples.add(`${r.method} ${r.path} -> ${status} ${body.slice(0, 300)}`);
        }
      },
    }));

  let nextPlayer = 0;
  const rss = sampleRss(options.pid);
  const cpuBefore = cpuSeconds(options.pid);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    // setupClient runs once per connection before it connects; the requests it sets replace the defaults.
    setupClient: (client) => client.setRequests(recordErrors(options.requestsFor(options.players[nextPlayer++]))),
  });
  const peakRssMb = rss.stop();
  const cpuUsed = cpuSeconds(options.pid) - cpuBefore;

  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors,
    socketErrors: result.errors,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    errorSamples: [...errorSamples],
    peakRssMb,
    cpuMicrosPerRequest: result.requests.total > 0 ? (cpuUsed * 1e6) / result.requests.total : 0,
  };
}
