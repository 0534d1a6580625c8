import { existsSync } from 'node:fs';

/*
 * Loads `.env` into process.env (variables already set win). Imported first by main.ts and
 * ormconfig.ts: an entity's column type is chosen from DATABASE_URL when it is imported, so `.env` must
 * be read before anything imports the entities.
 */
if (existsSync('.env')) process.loadEnvFile('.env');
