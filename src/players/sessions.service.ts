import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transactions';
import { PlayerRepository } from './player.repository';
import { playerBanned, playerNotFound, sessionUnknown } from './players.errors';
import { SessionRepository } from './session.repository';
import { SessionView } from './player.view';

/** Session tokens: 256 random bits, handed out once, kept only as a SHA-256 hash. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly players: PlayerRepository,
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Issues a token for a player and records the login (`first_login` once, `last_login` every time). */
  async issue(playerId: number): Promise<SessionView> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlSeconds * 1000);
    await this.transactions.run(async (tx) => {
      // The player row is locked first: inserting the session would take a shared lock on it (foreign
      // key) that the login update then had to upgrade, and two logins of one player would deadlock.
      const player = await this.players.recordLogin(tx, playerId, now);
      if (!player) throw playerNotFound(playerId);
      if (player.isBan) throw playerBanned(playerId);
      await this.sessions.insert(tx, { tokenHash: hashToken(token), playerId, expiresAt, createdAt: now });
    });
    return { token, expires_at: expiresAt.toISOString() };
  }

  /** The id of the player behind a live token; 401 for an unknown or expired token, 403 for a banned player. */
  async authenticate(token: string): Promise<number> {
    const owner = await this.sessions.findLiveOwner(hashToken(token), new Date());
    if (!owner) throw sessionUnknown();
    if (owner.isBan) throw playerBanned(owner.playerId);
    return owner.playerId;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
