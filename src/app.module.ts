import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
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
import { MetricsModule } from './observability/metrics.module';
import { RequestLogging } from './observability/request-logging';
import { ServiceLogger } from './observability/service-logger';
import { PartyModule } from './party/party.module';
import { PlayersModule } from './players/players.module';
import { RealtimeModule } from './realtime/realtime.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const requestLogging = new RequestLogging(config.logging);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // Nest's logs go to the same pino logger; the request line comes from RequestLogging's middleware (see createApp).
        LoggerModule.forRoot({ pinoHttp: { logger: requestLogging.logger }, useExisting: true }),
        MetricsModule.forRoot(config.metrics),
        ScheduleModule.forRoot(),
        DatabaseModule,
        RateLimitModule,
        IdempotencyModule,
        PlayersModule,
        AuthModule,
        PartyModule,
        RealtimeModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useClass: EdgeValidationPipe },
        { provide: RequestLogging, useValue: requestLogging },
        ServiceLogger,
        ShutdownDrain,
      ],
    };
  }
}
