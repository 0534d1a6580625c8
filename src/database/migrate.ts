import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { dialectOf } from './dialect';

const MIGRATION_LOCK = 'party_service_migrations';
const logger = new Logger('Migrations');

/**
 * Applies pending migrations. On MySQL several processes may start at once against one database, so
 * they take turns through a named lock; the first applies, the rest find nothing pending.
 */
export async function applyPendingMigrations(dataSource: DataSource): Promise<void> {
  if (dialectOf(dataSource.options).embedded) {
    await run(dataSource);
    return;
  }
  const runner = dataSource.createQueryRunner();
  try {
    const [{ locked }] = (await runner.query('SELECT GET_LOCK(?, 60) AS locked', [MIGRATION_LOCK])) as { locked: number | string }[];
    if (Number(locked) !== 1) throw new Error('timed out waiting for another process to finish migrating');
    try {
      await run(dataSource);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

async function run(dataSource: DataSource): Promise<void> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  for (const migration of applied) logger.log(`applied ${migration.name}`);
}
