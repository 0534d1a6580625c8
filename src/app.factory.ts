import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { sendError } from './common/errors/all-exceptions.filter';
import { gameClientPaths } from './common/http/game-client-paths';
import { enterRequestScope, requestDeadline } from './common/http/request-scope';
import { screenJsonBody } from './common/http/screen-json-body';
import { ShutdownDrain } from './common/http/shutdown-drain';
import { setupOpenApi } from './common/openapi/openapi';
import { AppConfig, HttpConfig } from './config/app-config';
import { httpMetrics } from './observability/metrics';
import { RequestLogging } from './observability/request-logging';
import { ServiceLogger } from './observability/service-logger';
import { PartyWsAdapter } from './realtime/ws-adapter';

export const MAX_BODY_BYTES = 256 * 1024;

export interface CreateAppOptions {
  /** false: no Nest log lines at all (the tests); otherwise Nest logs through pino at LOG_LEVEL. */
  logger?: LogLevel[] | false;
}

/** What a browser page on an allowed origin may send and read (SPEC's Web API headers). */
const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Request-Id'];
const CORS_EXPOSED_HEADERS = ['ETag', 'Retry-After', 'X-Request-Id'];

/** Builds the whole HTTP application; main.ts and the tests share it, so tests run what production runs. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: options.logger !== false,
    logger: options.logger === false ? false : undefined,
  });
  if (options.logger !== false) app.useLogger(app.get(ServiceLogger));
  app.useWebSocketAdapter(new PartyWsAdapter(app)); // plain WebSockets on the HTTP server's port (SPEC §7): game engines have ws clients, not socket.io
  app.disable('x-powered-by');
  app.set('etag', false); // hashing every JSON body costs CPU for conditional GETs that game clients do not make
  app.set('trust proxy', config.trustProxyHops);
  app.use(app.get(RequestLogging).middleware);
  if (config.metrics.enabled) app.use(httpMetrics);
  app.use(app.get(ShutdownDrain).middleware);
  app.use(gameClientPaths(config.gameClientId));
  app.use(requestDeadline(config.requestTimeoutMs, sendError));
  app.use(helmet(helmetOptions(config.http)));
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
  app.use(express.json({ limit: MAX_BODY_BYTES }));
  app.use(screenJsonBody);
  app.use(enterRequestScope);
  // Body-parser failures (malformed JSON, 413) happen before Nest's filters; answer them in the same shape.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, error));
  if (config.http.docsEnabled) setupOpenApi(app);
  return app;
}

/**
 * helmet's defaults, less two that break plain-HTTP deployments: CSP's `upgrade-insecure-requests`
 * (a browser then fetches Swagger UI's assets over https from any address but localhost, and gets a
 * blank page) and HSTS, which is sent only when HSTS=true (the service sits behind TLS).
 */
function helmetOptions(http: HttpConfig): Parameters<typeof helmet>[0] {
  return {
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    strictTransportSecurity: http.hsts ? { maxAge: 180 * 86400, includeSubDomains: true } : false,
  };
}
