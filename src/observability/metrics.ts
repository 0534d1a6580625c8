import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { UNAVAILABLE_CAUSE } from '../common/errors/error-response';
import { routeOf } from './request-logging';

/** Every metric of this process, on one registry (GET /metrics). Process metrics (CPU, memory, event loop, GC) included. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
  registers: [metricsRegistry],
});

export const unavailableAnswers = new Counter({
  name: 'http_unavailable_total',
  help: '503 answers by cause: deadline (REQUEST_TIMEOUT_MS), database (unreachable), pool (no connection in time), lock_conflict (retries ran out)',
  labelNames: ['cause'] as const,
  registers: [metricsRegistry],
});

export const lockConflictRetries = new Counter({
  name: 'db_lock_conflict_retries_total',
  help: 'Transactions retried after a deadlock or lock-wait timeout',
  registers: [metricsRegistry],
});

export const partyOperations = new Counter({
  name: 'party_operations_total',
  help: 'Successful party operations (both surfaces): create, join, leave, kick, ban',
  labelNames: ['operation'] as const,
  registers: [metricsRegistry],
});

export const busMessages = new Counter({
  name: 'realtime_bus_messages_total',
  help: 'Redis pub/sub messages: out (published), in (from other processes), lost (publish failed; caught up from the event table)',
  labelNames: ['direction'] as const,
  registers: [metricsRegistry],
});

export const eventSockets = new Gauge({
  name: 'realtime_sockets',
  help: 'Open event sockets on this process, by surface (web, server)',
  labelNames: ['surface'] as const,
  registers: [metricsRegistry],
});

export const eventsSent = new Counter({
  name: 'realtime_events_sent_total',
  help: 'Messages sent to event sockets: event, hidden, replayed (resume and catch-up), reset',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const socketsClosed = new Counter({
  name: 'realtime_sockets_closed_total',
  help: 'Event sockets the service closed, by close code (4401, 4403, 4409, 1009, 1013, 1001, ping)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

type PoolState = { inUse: number; idle: number; waiting: number };
let readPool: (() => PoolState | null) | null = null;

/** The database pool to report (mysql2's); none on the embedded database. */
export function watchPool(read: () => PoolState | null): void {
  readPool = read;
}

new Gauge({
  name: 'db_pool_connections',
  help: 'Database pool connections: in_use, idle, and requests waiting for one',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
  collect() {
    const state = readPool?.();
    if (!state) return;
    this.set({ state: 'in_use' }, state.inUse);
    this.set({ state: 'idle' }, state.idle);
    this.set({ state: 'waiting' }, state.waiting);
  },
});

/** `METHOD route-within-surface` of each counted operation; the same on the Web and Trusted API. */
const PARTY_OPERATIONS: Record<string, string> = {
  'POST ': 'create',
  'POST /:partyId': 'join',
  'DELETE /:partyId': 'leave',
  'DELETE /:partyId/members/:playerId': 'kick',
  'PUT /:partyId/bans/:playerId': 'ban',
};
const PARTY_SURFACE = /^\/(?:api\/table\/services\/parties|server\/services\/party)(.*)$/;

/** Times every request and counts what it was (first middleware, so nothing escapes it). */
export function httpMetrics(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const route = routeOf(req);
    const status = res.statusCode;
    httpRequestDuration.observe({ method: req.method, route, status }, Number(process.hrtime.bigint() - started) / 1e9);
    if (status === 503) unavailableAnswers.inc({ cause: (res.locals[UNAVAILABLE_CAUSE] as string | undefined) ?? 'other' });
    const operation = status === 200 ? PARTY_OPERATIONS[`${req.method} ${PARTY_SURFACE.exec(route)?.[1] ?? '-'}`] : undefined;
    if (operation) partyOperations.inc({ operation });
  });
  next();
}
