import { CanActivate, ExecutionContext, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { PlayersService } from '../../players/players.service';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { parsePositiveInt32 } from '../validation/id-param.pipe';
import { asPlayer, RequestWithCaller, SERVER } from './caller';

/** Trusted Server API: `X-Server-Key` authenticates the game server (compared in constant time); it acts as itself. */
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
    this.authenticateServer(request.headers['x-server-key']);
    await this.limiter.consume('server', this.keyId);
    request.caller = SERVER;
    return true;
  }

  private authenticateServer(presented: string | string[] | undefined): void {
    if (!this.expectedDigest) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'the Trusted Server API is disabled: no SERVER_KEY is configured');
    // Comparing digests keeps the comparison constant-time whatever the presented key's length.
    if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), this.expectedDigest)) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'missing or wrong X-Server-Key');
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
    if (playerId !== null) request.caller = asPlayer((await this.players.getActive(playerId)).id);
    return true;
  }
}

/** `player` and `caller` are the same thing (the seeds use `caller` on accept/reject); null when neither is given. */
export function actingPlayerId(query: Request['query']): number | null {
  const given = (['player', 'caller'] as const).filter((name) => query[name] !== undefined);
  const ids = given.map((name) => {
    const id = parsePositiveInt32(query[name]);
    if (id === null) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${name} must be a positive 32-bit integer`);
    return id;
  });
  if (ids.length === 2 && ids[0] !== ids[1]) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'player and caller name different players; give one of them');
  return ids[0] ?? null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Says at start-up why the trusted API refuses everything, or which key a development run generated. */
@Injectable()
export class ServerKeyNotice implements OnModuleInit {
  private readonly logger = new Logger('TrustedApi');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    const { key, generated } = this.config.serverKey;
    if (!key) this.logger.warn('SERVER_KEY is not set: every Trusted Server API call will answer 401. Set SERVER_KEY (32+ characters) to enable it.');
    else if (generated) this.logger.warn(`SERVER_KEY is not set; generated one for this development run: ${key}`);
  }
}
