import { Inject, Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { ServerKeyGuard } from '../auth/server-key.guard';
import { bearerToken, SessionGuard } from '../auth/session.guard';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EventSocket, MAX_MESSAGES_PER_SECOND } from './event-socket';
import { EventSockets } from './event-sockets';
import { CLOSE, Inbound, parseInbound } from './protocol';

/** Inbound messages over 4 KiB close the socket with 1009 (SPEC §7); `ws` enforces it while reading. */
const MAX_INBOUND_BYTES = 4 * 1024;
/** A browser's socket has this long to send `{"type": "auth"}` (SPEC §7), else 4401. */
const AUTH_TIMEOUT_MS = 5_000;

/**
 * The two event endpoints share the HTTP server and port (Nest's WsAdapter routes upgrades by path)
 * and the HTTP API's authentication. The protocol is SPEC §7's `{"type": ...}` messages, handled by
 * hand: Nest's @SubscribeMessage expects `{event, data}` and silently drops what it does not know,
 * where the protocol must answer every message it does not understand.
 */
abstract class EventGateway implements OnGatewayConnection {
  protected readonly logger = new Logger('EventSockets');

  constructor(
    protected readonly sockets: EventSockets,
    protected readonly config: AppConfig,
  ) {}

  handleConnection(ws: WebSocket, request: IncomingMessage): void {
    if (!this.sockets.accepting) return ws.close(CLOSE.GOING_AWAY, 'the service is shutting down');
    const socket = new EventSocket(ws, this.surface, clientAddress(request, this.config.trustProxyHops));
    this.sockets.add(socket);
    ws.on('close', () => this.sockets.remove(socket));
    ws.on('error', () => this.sockets.remove(socket)); // ws closes the socket itself (1009 for an oversized message)
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!socket.takeMessage()) {
        return socket.send({ type: 'error', code: ErrorCode.RATE_LIMITED, message: `at most ${MAX_MESSAGES_PER_SECOND} messages a second` });
      }
      const message = isBinary ? { invalid: 'messages are JSON text' } : parseInbound(rawText(data));
      if ('invalid' in message) return socket.send({ type: 'error', code: ErrorCode.VALIDATION_FAILED, message: message.invalid });
      socket.handleInOrder(() => this.handle(socket, message).catch((error: unknown) => this.failed(socket, error)));
    });
    this.opened(socket, request);
  }

  protected abstract readonly surface: 'web' | 'server';
  protected abstract opened(socket: EventSocket, request: IncomingMessage): void;
  protected abstract handle(socket: EventSocket, message: Inbound): Promise<void>;

  /** Something broke on our side (the database away…): the client is told to come back later, and it is logged. */
  protected failed(socket: EventSocket, error: unknown): void {
    this.logger.error(`event socket failed: ${error instanceof Error ? error.message : String(error)}`);
    socket.close(CLOSE.TRY_AGAIN_LATER, 'the service could not serve this socket: reconnect and resume');
  }

  protected refuse(socket: EventSocket, message: Inbound, why: string): void {
    socket.send({ type: 'error', code: ErrorCode.VALIDATION_FAILED, message: `${message.type}: ${why}` });
  }
}

/** `GET /api/events`: a player's socket, authenticated by its session token (header, or first message). */
@WebSocketGateway({ path: '/api/events', maxPayload: MAX_INBOUND_BYTES })
export class PlayerEventsGateway extends EventGateway {
  protected readonly surface = 'web';

  constructor(
    sockets: EventSockets,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionGuard,
  ) {
    super(sockets, config);
  }

  protected opened(socket: EventSocket, request: IncomingMessage): void {
    const token = bearerToken(request.headers.authorization);
    if (token !== null) return socket.handleInOrder(() => this.authenticate(socket, token).catch((error: unknown) => this.failed(socket, error)));
    const timer = setTimeout(() => {
      if (!socket.subscriber) socket.close(CLOSE.UNAUTHENTICATED, `no {"type": "auth"} within ${AUTH_TIMEOUT_MS / 1000} s`);
    }, AUTH_TIMEOUT_MS);
    socket.ws.once('close', () => clearTimeout(timer));
  }

  protected async handle(socket: EventSocket, message: Inbound): Promise<void> {
    if (message.type === 'auth') {
      if (socket.subscriber) return this.refuse(socket, message, 'already authenticated');
      return this.authenticate(socket, message.token);
    }
    if (!socket.subscriber) return this.refuse(socket, message, 'authenticate first with {"type": "auth", "token": "<session token>"}');
    if (message.type !== 'resume') return this.refuse(socket, message, 'a player socket receives its parties without subscribing');
    return this.sockets.resume(socket, message.party, message.since);
  }

  private async authenticate(socket: EventSocket, token: string): Promise<void> {
    try {
      const session = await this.sessions.authenticate(token, socket.address);
      if (socket.open) await this.sockets.addPlayer(socket, session.playerId, session.sessionId);
    } catch (error) {
      const code = error instanceof DomainError ? error.code : null;
      if (code === ErrorCode.BANNED) socket.close(CLOSE.BANNED, 'the player is banned');
      else if (code === ErrorCode.RATE_LIMITED) socket.close(CLOSE.RATE_LIMITED, 'too many failed authentications from this address');
      else if (code === ErrorCode.UNAUTHENTICATED) socket.close(CLOSE.UNAUTHENTICATED, 'unknown, expired or ended session token');
      else throw error; // answered by failed(): 1013
    }
  }
}

/** `GET /server/events`: the trusted server's socket; the upgrade itself is refused (401) without the server key. */
@WebSocketGateway({ path: '/server/events', maxPayload: MAX_INBOUND_BYTES })
export class ServerEventsGateway extends EventGateway implements OnGatewayInit<WebSocketServer> {
  protected readonly surface = 'server';

  constructor(
    sockets: EventSockets,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly serverKey: ServerKeyGuard,
  ) {
    super(sockets, config);
  }

  /** ws asks verifyClient before it answers the upgrade; it is set here because it needs the injected guard. */
  afterInit(server: WebSocketServer): void {
    server.options.verifyClient = ({ req }, done) => {
      this.serverKey.authenticate(req.headers['x-server-key'], clientAddress(req, this.config.trustProxyHops)).then(
        () => done(true),
        (error: unknown) => {
          const limited = error instanceof DomainError && error.code === ErrorCode.RATE_LIMITED;
          done(false, limited ? 429 : 401, limited ? 'Too Many Requests' : 'Unauthorized');
        },
      );
    };
  }

  protected opened(socket: EventSocket): void {
    this.sockets.addServer(socket);
  }

  protected async handle(socket: EventSocket, message: Inbound): Promise<void> {
    switch (message.type) {
      case 'auth':
        return this.refuse(socket, message, 'the server socket is authenticated by X-Server-Key');
      case 'resume':
        return this.sockets.resume(socket, message.party, message.since);
      case 'subscribe':
        return this.sockets.subscribe(socket, 'all' in message ? 'all' : message.parties);
      case 'unsubscribe':
        return this.sockets.unsubscribe(socket, 'all' in message ? 'all' : message.parties);
    }
  }
}

function rawText(data: RawData): string {
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
}

/**
 * The client's address as Express gives it with `trust proxy` set to `hops` (TRUST_PROXY_HOPS): the
 * peer's, or the address that many proxies back in X-Forwarded-For. Upgrades do not go through Express.
 */
function clientAddress(request: IncomingMessage, hops: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (hops === 0) return peer;
  const forwarded = String(request.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer]; // the client first, the nearest proxy last
  return chain[Math.max(0, chain.length - 1 - hops)];
}
