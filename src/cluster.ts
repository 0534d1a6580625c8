import cluster, { Worker } from 'node:cluster';
import { Logger } from '@nestjs/common';

/** A worker of the first round that dies this soon did not start at all (bad configuration, port taken): the service stops. */
const STARTUP_MS = 5_000;
/** Restarts of later deaths wait this long, doubling for each worker in a row that died young, up to MAX_RESTART_DELAY_MS. */
const RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * WEB_CONCURRENCY=N: this (primary) process forks N workers that each run the whole service on the
 * same port (Node's cluster shares the listening socket), and restarts a worker that dies, with
 * backoff while replacements keep dying young (the database away at their start-up). SIGTERM and
 * SIGINT go to every worker, each drains as a single process does (SPEC §8), and the primary exits 0
 * once all have exited 0. Node's cluster is used as is: it is what the platform offers for this.
 */
export function runWorkers(count: number): void {
  const logger = new Logger('Cluster');
  const startedAt = new Map<Worker, number>();
  const firstRound = new Set<Worker>();
  let stopping = false;
  let failed = false;
  let diedYoung = 0;
  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    return worker;
  };
  for (let i = 0; i < count; i++) firstRound.add(fork());

  cluster.on('exit', (worker, code, signal) => {
    const livedMs = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (code !== 0) failed = true;
    if (stopping) {
      if (startedAt.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    logger.error(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}) after ${livedMs} ms`);
    if (firstRound.has(worker) && livedMs < STARTUP_MS) {
      logger.error('a worker died while starting: stopping the others');
      stop('SIGTERM');
      return;
    }
    diedYoung = livedMs < STARTUP_MS ? diedYoung + 1 : 0;
    const delay = Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** diedYoung);
    setTimeout(() => stopping || fork(), delay);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping ${startedAt.size} workers`);
    for (const worker of startedAt.keys()) worker.process.kill(signal);
    if (startedAt.size === 0) process.exit(failed ? 1 : 0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop(signal));
  logger.log(`primary ${process.pid} started ${count} workers`);
}
