import cluster, { Worker } from 'node:cluster';
import { Logger } from '@nestjs/common';

/** A worker that dies within this long of its start is not restarted (it would only die again: bad config, port taken). */
const CRASH_LOOP_MS = 5_000;

/**
 * WEB_CONCURRENCY=N: this (primary) process forks N workers that each run the whole service on the
 * same port (Node's cluster shares the listening socket), and restarts a worker that dies. SIGTERM
 * and SIGINT go to every worker, each drains as a single process does (SPEC §8), and the primary exits
 * 0 once all have exited 0. Node's cluster is used as is: it is what the platform offers for this.
 */
export function runWorkers(count: number): void {
  const logger = new Logger('Cluster');
  let stopping = false;
  const startedAt = new Map<Worker, number>();
  const fork = () => startedAt.set(cluster.fork(), Date.now());
  for (let i = 0; i < count; i++) fork();
  let failed = false;
  cluster.on('exit', (worker, code, signal) => {
    const livedMs = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (code !== 0) failed = true;
    if (stopping) {
      if (startedAt.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    logger.error(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`})`);
    if (livedMs < CRASH_LOOP_MS) {
      logger.error('it died right after starting: not restarting it; stopping the others');
      stop('SIGTERM');
      return;
    }
    fork();
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
