import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { sendError } from './common/errors/all-exceptions.filter';
import { gameClientPaths } from './common/http/game-client-paths';
import { screenJsonBody } from './common/http/screen-json-body';
import { ShutdownDrain } from './common/http/shutdown-drain';
import { enterRequestScope, requestDeadline } from './common/http/request-scope';
import { setupOpenApi } from './common/openapi/openapi';

export const MAX_BODY_BYTES = 256 * 1024;

export interface CreateAppOptions {
  logger?: LogLevel[] | false;
}

/** Builds the whole HTTP application; main.ts and the tests share it, so tests run what production runs. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: options.logger ?? ['log', 'warn', 'error'],
  });
  app.disable('x-powered-by');
  app.set('etag', false); // hashing every JSON body costs CPU for conditional GETs that game clients do not make
  app.set('trust proxy', config.trustProxyHops);
  app.use(app.get(ShutdownDrain).middleware);
  app.use(gameClientPaths(config.gameClientId));
  app.use(requestDeadline(config.requestTimeoutMs, sendError));
  app.use(helmet());
  app.use(express.json({ limit: MAX_BODY_BYTES }));
  app.use(screenJsonBody);
  app.use(enterRequestScope);
  // Body-parser failures (malformed JSON, 413) happen before Nest's filters; answer them in the same shape.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, error));
  setupOpenApi(app);
  return app;
}
