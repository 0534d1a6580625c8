import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { SessionOwner } from '../players/session.repository';
import { SessionsService } from '../players/sessions.service';
import { malformedSessionHeader } from './auth.errors';
import { asPlayer, RequestWithCaller } from './caller';

/**
 * Web API: the caller is the player behind `Authorization: Bearer <session token>`; each player has a
 * request budget. Failed authentications count against the client's address, and past their limit the
 * address gets 429 before any token is looked up. Event sockets authenticate through the same method.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionsService,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & RequestWithCaller>();
    const session = await this.authenticate(bearerToken(request.headers.authorization) ?? '', request.ip ?? 'unknown');
    await this.limiter.consume('player', String(session.playerId));
    request.caller = asPlayer(session.playerId);
    request.sessionId = session.sessionId;
    return true;
  }

  /**
   * The live session behind a token presented from `address` (the HTTP API's header, an event socket's).
   * An address past its limit of failed authentications gets 429 before any lookup; a failure is
   * counted once it has failed, so good tokens arriving together from one address (a crowd behind one
   * NAT, a game server's sockets) are never refused for each other. Concurrent bad tokens can overshoot
   * the limit by as many as are in flight at once: each costs one indexed lookup.
   */
  async authenticate(token: string, address: string): Promise<SessionOwner> {
    const known = this.sessions.recentlyVerified(token);
    if (known) return known; // a token verified moments ago is no failed authentication to count
    await this.limiter.assertUnderLimit('authFailure', address);
    try {
      if (!/^[A-Za-z0-9_-]{16,256}$/.test(token)) throw malformedSessionHeader();
      return await this.sessions.authenticate(token);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.UNAUTHENTICATED) await this.limiter.consume('authFailure', address);
      throw error;
    }
  }
}

/** The token of an `Authorization: Bearer <token>` header (the HTTP API's, an event socket's upgrade), or null. */
export function bearerToken(authorization: string | undefined): string | null {
  return /^Bearer (.*)$/.exec(authorization ?? '')?.[1] ?? null;
}
