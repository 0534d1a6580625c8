import './src/config/env-file';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

/** The data source the TypeORM CLI uses (npm run migration:generate|run|revert): same options as the service. */
export default new DataSource(dataSourceOptions(loadConfig().database));
