import './config/env-file';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';

/** Nest drains and exits on SIGTERM; should a client hold the drain open, exit anyway before an orchestrator's hard kill. */
const SHUTDOWN_DEADLINE_MS = 9000;

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref());
  }
  await app.listen(config.port);
  const where =
    config.database.kind === 'embedded'
      ? `embedded database ${config.database.file}`
      : `${config.database.kind} ${config.database.host}:${config.database.port}/${config.database.database}`;
  Logger.log(`listening on http://localhost:${config.port} (docs at /docs) using the ${where}`, 'Main');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
