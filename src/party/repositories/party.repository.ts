import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { dialectOf } from '../../database/dialect';
import { execute, hydrate, selectEntity } from '../../database/fixed-sql';
import { Party } from '../entities/party.entity';

/** What decides a join: the party, and whether the player is banned from it or already has a membership. */
export interface JoinState {
  party: Party;
  playerId: number;
  banned: boolean;
  hasMembership: boolean;
}

/**
 * Every statement about the `party` table. Writers lock the party row first (`lock`), so all changes
 * to one party and its memberships happen one at a time, in every process sharing the database; the
 * capacity check is also written into the seat UPDATE itself. Hot paths (reads by id, the join lock, seats)
 * run fixed SQL, see fixed-sql.ts.
 */
@Injectable()
export class PartyRepository {
  constructor(@InjectRepository(Party) private readonly parties: Repository<Party>) {}

  /** The party, a plain read of committed data. */
  find(partyId: number): Promise<Party | null> {
    return selectEntity(this.parties.manager, Party, 'SELECT * FROM party WHERE id = ?', [partyId]);
  }

  /** The party, its row locked for the rest of the transaction. */
  lock(partyId: number, tx: EntityManager): Promise<Party | null> {
    return selectEntity(tx, Party, `SELECT * FROM party WHERE id = ?${dialectOf(tx.connection.options).forUpdate}`, [partyId]);
  }

  /** The join state from committed data, without any lock. */
  joinState(partyId: number, playerId: number): Promise<JoinState | null> {
    return this.readJoinState(this.parties.manager, partyId, playerId, '');
  }

  /**
   * The join state with the party row locked for the rest of the transaction. FOR UPDATE locks only
   * the party row, not what the subqueries count: the counts are current because, at READ COMMITTED,
   * the statement reads after the lock is granted, and every writer of bans and memberships holds that lock.
   */
  lockForJoin(partyId: number, playerId: number, tx: EntityManager): Promise<JoinState | null> {
    return this.readJoinState(tx, partyId, playerId, dialectOf(tx.connection.options).forUpdate);
  }

  private async readJoinState(manager: EntityManager, partyId: number, playerId: number, lock: string): Promise<JoinState | null> {
    const [row]: (Record<string, unknown> & { banned: number | string; memberships: number | string })[] = await manager.query(
      'SELECT party.*, ' +
        '(SELECT COUNT(*) FROM party_ban b WHERE b.party_id = party.id AND b.player_id = ?) AS banned, ' +
        '(SELECT COUNT(*) FROM membership m WHERE m.party_id = party.id AND m.player_id = ?) AS memberships ' +
        `FROM party WHERE party.id = ?${lock}`,
      [playerId, playerId, partyId],
    );
    if (!row) return null;
    return { party: hydrate(manager, Party, row), playerId, banned: Number(row.banned) > 0, hasMembership: Number(row.memberships) > 0 };
  }

  /** The stored party, with its id. */
  insert(fields: Omit<Party, 'id'>, tx: EntityManager): Promise<Party> {
    return tx.save(tx.create(Party, fields));
  }

  /** Writes the given columns. member_count and version are never among them: takeSeat/freeSeat and setVersion change those. */
  async update(partyId: number, columns: Partial<Omit<Party, 'id' | 'memberCount' | 'version'>>, tx: EntityManager): Promise<void> {
    await tx.update(Party, { id: partyId }, columns);
  }

  /** Records the version of the change being made (see PartyChangeLog). */
  async setVersion(partyId: number, version: number, tx: EntityManager): Promise<void> {
    await tx.query('UPDATE party SET version = ? WHERE id = ?', [version, partyId]);
  }

  /**
   * Takes one seat if one is free, and records the change's version in the same statement (one
   * statement less on every join and accept); false when the party is full.
   */
  async takeSeat(partyId: number, version: number, tx: EntityManager): Promise<boolean> {
    const seated = await execute(tx, 'UPDATE party SET member_count = member_count + 1, version = ? WHERE id = ? AND member_count < max_member_count', [
      version,
      partyId,
    ]);
    return seated === 1;
  }

  /** Frees a seat, and records the change's version in the same statement. */
  async freeSeat(partyId: number, version: number, tx: EntityManager): Promise<void> {
    await execute(tx, 'UPDATE party SET member_count = CASE WHEN member_count > 0 THEN member_count - 1 ELSE 0 END, version = ? WHERE id = ?', [
      version,
      partyId,
    ]);
  }

  async delete(partyId: number, tx: EntityManager): Promise<void> {
    await tx.delete(Party, { id: partyId });
  }
}
