import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { parsePositiveInt32 } from '../common/validation/id-param.pipe';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PlayersService } from '../players/players.service';
import { actingPlayersDiffer, badActingPlayer, serverKeyRefused } from './auth.errors';
import { asPlayer, RequestWithCaller, SERVER } from './caller';

/**
 * Trusted Server API: `X-Server-Key` authenticates the game server (compared in constant time); it acts
 * as itself. Wrong keys count as failed authentications of the client's address (see SessionGuard).
 */
@Injectable()
export class ServerKeyGuard implements CanActivate {
  private readonly expectedDigest: Buffer | null;
  /** Names the key in rate-limit counters without putting the key itself in them. */
  private readonly keyId: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly limiter: RateLimiter,
  ) {
    this.expectedDigest = config.serverKey.key ? digest(config.serverKey.key) : null;
    this.keyId = this.expectedDigest?.toString('hex').slice(0, 16) ?? 'none';
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & RequestWithCaller>();
    await this.authenticate(request.headers['x-server-key'], request.ip ?? 'unknown');
    await this.limiter.consume('server', this.keyId);
    request.caller = SERVER;
    return true;
  }

  /** Throws unless `presented` is the server key (the HTTP API's header, the event socket's upgrade request). */
  async authenticate(presented: string | string[] | undefined, address: string): Promise<void> {
    try {
      this.authenticateServer(presented);
    } catch (error) {
      // Comparing a key needs no lookup, so a wrong one is simply counted (429 past the limit).
      await this.limiter.consume('authFailure', address);
      throw error;
    }
  }

  private authenticateServer(presented: string | string[] | undefined): void {
    if (!this.expectedDigest) throw serverKeyRefused('the Trusted Server API is disabled: no SERVER_KEY is configured');
    // Comparing digests keeps the comparison constant-time whatever the presented key's length.
    if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), this.expectedDigest)) {
      throw serverKeyRefused('missing or wrong X-Server-Key');
    }
  }
}

/**
 * After ServerKeyGuard, on party routes: `player` (or its alias `caller`) names the player the server
 * acts for, with that player's permissions. Without one the server acts as itself.
 */
@Injectable()
export class ActingPlayerGuard implements CanActivate {
  constructor(private readonly players: PlayersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & RequestWithCaller>();
    const playerId = actingPlayerId(request.query);
    if (playerId !== null) request.caller = asPlayer(await this.players.activeId(playerId));
    return true;
  }
}

/** `player` and `caller` are the same thing (the seeds use `caller` on accept/reject); null when neither is given. */
export function actingPlayerId(query: Request['query']): number | null {
  const given = (['player', 'caller'] as const).filter((name) => query[name] !== undefined);
  const ids = given.map((name) => {
    const id = parsePositiveInt32(query[name]);
    if (id === null) throw badActingPlayer(name);
    return id;
  });
  if (ids.length === 2 && ids[0] !== ids[1]) throw actingPlayersDiffer();
  return ids[0] ?? null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
