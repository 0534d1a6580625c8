import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { ShutdownDrain } from './common/http/shutdown-drain';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { EdgeValidationPipe } from './common/validation/validation.pipe';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { PartyModule } from './party/party.module';
import { PlayersModule } from './players/players.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ScheduleModule.forRoot(),
        DatabaseModule,
        RateLimitModule,
        IdempotencyModule,
        PlayersModule,
        AuthModule,
        PartyModule,
        HealthModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }, { provide: APP_PIPE, useClass: EdgeValidationPipe }, ShutdownDrain],
    };
  }
}
