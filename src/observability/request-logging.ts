import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import pino, { Logger } from 'pino';
import { pinoHttp, HttpLogger } from 'pino-http';
import type { RequestWithCaller } from '../auth/caller';
import type { LoggingConfig } from '../config/app-config';

/** A client's own request id is kept when it is a plain token; anything else is replaced, never echoed. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type LoggedRequest = IncomingMessage & RequestWithCaller & { route?: { path?: string }; originalUrl?: string };

/** The route template a request matched (`/api/table/services/parties/:partyId`), or "unmatched". */
export function routeOf(req: IncomingMessage): string {
  const path = (req as LoggedRequest).route?.path;
  return path && !path.includes('*') ? path : 'unmatched'; // Nest answers unknown routes from a catch-all `{/*splat}`
}

/** Who called, for logs: `player:<id>`, `server`, or nobody yet (refused before authentication). */
function callerOf(req: IncomingMessage): string | undefined {
  const caller = (req as LoggedRequest).caller;
  return caller?.kind === 'player' ? `player:${caller.playerId}` : caller?.kind;
}

/**
 * The service's logs: one pino logger (JSON lines; `LOG_PRETTY` for humans), shared by the per-request
 * line of pino-http and by every Nest log through nestjs-pino. pino-http runs as the first middleware,
 * so every request gets its line, those refused before routing (413, malformed JSON) included. The line
 * has the request id (X-Request-Id, accepted or generated, and echoed), method, route template, status,
 * duration and caller, and never a header: no token or key reaches a log.
 */
export class RequestLogging {
  readonly logger: Logger;
  readonly middleware: HttpLogger<IncomingMessage, ServerResponse>;

  constructor(config: LoggingConfig) {
    this.logger = config.pretty
      ? pino({
          level: config.level,
          transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
        })
      : // Asynchronous writes: lines logged while a write is under way go out together in the next one, instead
        // of one blocking write(2) per request line (a third of GET throughput); pino flushes them at exit.
        pino({ level: config.level }, pino.destination({ dest: 1, sync: false }));
    this.middleware = pinoHttp({
      logger: this.logger,
      quietReqLogger: true,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      // Added to the request's line when it ends, when the route and the caller are known.
      customSuccessObject: (req, _res, line: object) => ({ ...line, route: routeOf(req), caller: callerOf(req) }),
      customErrorObject: (req, _res, _error, line: object) => ({ ...line, route: routeOf(req), caller: callerOf(req) }),
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      customSuccessMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
      customErrorMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
    });
  }
}
