import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { columnValue } from '../database/fixed-sql';
import { Session } from './entities/session.entity';

/** Who a live session belongs to: just what authentication needs. */
export interface SessionOwner {
  playerId: number;
  isBan: boolean;
}

/** Every statement about the `session` table. */
@Injectable()
export class SessionRepository {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  async insert(tx: EntityManager, session: Omit<Session, 'id'>): Promise<void> {
    await tx.insert(Session, session);
  }

  /** The player behind a token hash that has not expired at `now`. Every Web API call starts here: one indexed statement reading two columns. */
  async findLiveOwner(tokenHash: string, now: Date): Promise<SessionOwner | null> {
    const manager = this.sessions.manager;
    const [row]: { id: number | string; is_ban: number | string | boolean }[] = await manager.query(
      'SELECT p.id, p.is_ban FROM session s INNER JOIN player p ON p.id = s.player_id WHERE s.token_hash = ? AND s.expires_at > ?',
      [tokenHash, columnValue(manager, Session, 'expiresAt', now)],
    );
    return row ? { playerId: Number(row.id), isBan: Boolean(Number(row.is_ban)) } : null;
  }
}
