import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, LessThan, Repository } from 'typeorm';
import { columnValue, hydrate } from '../database/fixed-sql';
import { Session } from './entities/session.entity';

/** Who a session belongs to: just what authentication needs. */
export interface SessionOwner {
  sessionId: number;
  playerId: number;
  isBan: boolean;
  /** Ended by a ban: 403 while the ban lasts, 401 after. */
  revoked: boolean;
  expiresAt: Date;
}

const SELECT_OWNERS = 'SELECT s.id AS session_id, s.revoked, s.expires_at, p.id, p.is_ban FROM session s INNER JOIN player p ON p.id = s.player_id';
type OwnerRow = {
  session_id: number | string;
  id: number | string;
  is_ban: number | string | boolean;
  revoked: number | string | boolean;
  expires_at: Date | string;
};

function toOwner(manager: EntityManager, row: OwnerRow): SessionOwner {
  return {
    sessionId: Number(row.session_id),
    playerId: Number(row.id),
    isBan: Boolean(Number(row.is_ban)),
    revoked: Boolean(Number(row.revoked)),
    expiresAt: hydrate(manager, Session, { expires_at: row.expires_at }).expiresAt, // the driver's reading (SQLite keeps UTC text)
  };
}

/** Every statement about the `session` table. Methods that take `tx` run inside the caller's transaction. */
@Injectable()
export class SessionRepository {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  async insert(session: Omit<Session, 'id'>, tx: EntityManager): Promise<void> {
    await tx.insert(Session, session);
  }

  /** The player behind a token hash that has not expired at `now`. Every Web API call starts here: one indexed statement. */
  async findLiveOwner(tokenHash: string, now: Date): Promise<SessionOwner | null> {
    const manager = this.sessions.manager;
    const [row]: OwnerRow[] = await manager.query(`${SELECT_OWNERS} WHERE s.token_hash = ? AND s.expires_at > ?`, [
      tokenHash,
      columnValue(manager, Session, 'expiresAt', now),
    ]);
    return row ? toOwner(manager, row) : null;
  }

  /** The owners of those of `sessionIds` that have not expired by `now` (revoked ones included, marked). */
  async owners(sessionIds: number[], now: Date, manager: EntityManager): Promise<SessionOwner[]> {
    if (sessionIds.length === 0) return [];
    const rows: OwnerRow[] = await manager.query(`${SELECT_OWNERS} WHERE s.id IN (${sessionIds.map(() => '?').join(', ')}) AND s.expires_at > ?`, [
      ...sessionIds,
      columnValue(manager, Session, 'expiresAt', now),
    ]);
    return rows.map((row) => toOwner(manager, row));
  }

  /** Ends one session; how many rows went (0 or 1). */
  async delete(sessionId: number, tx: EntityManager): Promise<number> {
    return (await tx.delete(Session, { id: sessionId })).affected ?? 0;
  }

  /** Ends every session of a player (a ban): they stay, marked, so their tokens can answer 403 while the ban lasts. */
  async revokeAllOf(playerId: number, tx: EntityManager): Promise<void> {
    await tx.update(Session, { playerId, revoked: false }, { revoked: true });
  }

  /** Deletes a player's sessions beyond the `keep` newest; the ids it deleted. */
  async deleteAllButNewest(playerId: number, keep: number, tx: EntityManager): Promise<number[]> {
    const older = await tx.find(Session, { select: { id: true }, where: { playerId }, order: { id: 'DESC' }, skip: keep, take: 1000 });
    if (older.length > 0) await tx.delete(Session, { id: In(older.map((session) => session.id)) });
    return older.map((session) => session.id);
  }

  /** Deletes up to `limit` sessions that expired before `now`; how many it deleted. */
  async purgeExpired(now: Date, limit: number): Promise<number> {
    const expired = await this.sessions.find({ select: { id: true }, where: { expiresAt: LessThan(now) }, take: limit });
    if (expired.length === 0) return 0;
    await this.sessions.delete({ id: In(expired.map((session) => session.id)) });
    return expired.length;
  }
}
