import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

/** The data source the TypeORM CLI uses (npm run migration:generate|run|revert): same options as the service. */
if (existsSync('.env')) process.loadEnvFile('.env');

export default new DataSource(dataSourceOptions(loadConfig().database));
