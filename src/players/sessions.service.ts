import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { columnValue } from '../database/fixed-sql';
import { Transactions } from '../database/transactions';
import { Player } from './entities/player.entity';
import { Session } from './entities/session.entity';
import { assertNotBanned } from './players.service';

export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

/** Session tokens: 256 random bits, handed out once, kept only as a SHA-256 hash. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Issues a token for a player and records the login (`first_login` once, `last_login` every time). */
  async issue(playerId: number): Promise<IssuedSession> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlSeconds * 1000);
    await this.transactions.run(async (manager) => {
      // The player row is locked first: inserting the session would take a shared lock on it (foreign
      // key) that this update then had to upgrade, and two logins of one player would deadlock.
      const { affected } = await manager.update(Player, { id: playerId }, { lastLogin: now });
      const player = affected ? await manager.findOneBy(Player, { id: playerId }) : null;
      if (!player) throw new DomainError(ErrorCode.PLAYER_NOT_FOUND, `player ${playerId} does not exist`);
      assertNotBanned(player);
      if (!player.firstLogin) await manager.update(Player, { id: playerId }, { firstLogin: now });
      await manager.insert(Session, { tokenHash: hashToken(token), playerId, expiresAt, createdAt: now });
    });
    return { token, expiresAt };
  }

  /**
   * The id of the player behind a live token; 401 for an unknown or expired token, 403 for a banned
   * player. Every Web API call starts here, so it is one indexed statement reading two columns.
   */
  async authenticate(token: string): Promise<number> {
    const manager = this.sessions.manager;
    const now = columnValue(manager, Session, 'expiresAt', new Date());
    const [player] = await manager.query(
      'SELECT p.id, p.is_ban FROM session s INNER JOIN player p ON p.id = s.player_id WHERE s.token_hash = ? AND s.expires_at > ?',
      [hashToken(token), now],
    );
    if (!player) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'session token is unknown or expired');
    assertNotBanned({ id: Number(player.id), isBan: Boolean(Number(player.is_ban)) });
    return Number(player.id);
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
