import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { dataSourceOptions } from './data-source-options';
import { PoolBounds } from './bounded-pool';
import { DatabaseProbe } from './database-probe';
import { applyPendingMigrations } from './migrate';
import { Transactions } from './transactions';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.database), retryAttempts: 0 }),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await applyPendingMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [Transactions, PoolBounds, DatabaseProbe],
  exports: [Transactions, DatabaseProbe],
})
export class DatabaseModule {}
