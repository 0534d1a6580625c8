import './config/env-file';
import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { createApp } from './app.factory';
import { runWorkers } from './cluster';
import { ShutdownDrain } from './common/http/shutdown-drain';
import { ConfigError, loadConfig } from './config/app-config';

/** SPEC §8 promises an exit within 10 s of SIGTERM; should something hold the drain open, exit anyway (code 1) before that. */
const SHUTDOWN_DEADLINE_MS = 9500;

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.workers > 1 && cluster.isPrimary) return runWorkers(config.workers);
  const app = await createApp(config);
  // `on`, not `once`: a second signal (a terminal's Ctrl-C reaches a cluster's workers and their primary,
  // which passes it on) must not fall back to Node's default and kill the process mid-drain.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void shutDown(app, signal);
    });
  }
  await app.listen(config.port);
  const where =
    config.database.kind === 'embedded'
      ? `embedded database ${config.database.file}`
      : `${config.database.kind} ${config.database.host}:${config.database.port}/${config.database.database}`;
  Logger.log(`listening on http://localhost:${config.port} (docs at /docs) using the ${where}`, 'Main');
}

/** Drains (see ShutdownDrain), answers what was received, closes the pool, and exits 0. */
async function shutDown(app: INestApplication, signal: NodeJS.Signals): Promise<void> {
  Logger.log(`${signal}: draining`, 'Main');
  setTimeout(() => {
    Logger.error(`still draining after ${SHUTDOWN_DEADLINE_MS} ms: exiting`, 'Main');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  await app.get(ShutdownDrain).start();
  await app.close(); // closes the HTTP server (and its idle sockets) once every received request is answered, then the pool
  process.exit(0);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
