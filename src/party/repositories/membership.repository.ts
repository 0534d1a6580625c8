import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { isDuplicateKey } from '../../database/dialect';
import { Page } from '../../common/validation/pagination';
import { execute, selectEntities, selectEntity } from '../../database/fixed-sql';
import { Player } from '../../players/entities/player.entity';
import { Membership, MemberRole, MembershipStatus } from '../entities/membership.entity';

/** A membership with its player, as the members page lists it. */
export type MemberWithPlayer = Membership & { player: Player };

/** The columns that name a membership's team and channels. */
export type MembershipNames = Pick<Membership, 'id' | 'team' | 'channels'>;

/** Every statement about the `membership` table. Methods that take `tx` run inside the caller's transaction. */
@Injectable()
export class MembershipRepository {
  constructor(@InjectRepository(Membership) private readonly memberships: Repository<Membership>) {}

  /** A player's membership (waiting or accepted) in a party, inside the caller's transaction. */
  find(partyId: number, playerId: number, tx: EntityManager): Promise<Membership | null> {
    return selectEntity(tx, Membership, 'SELECT * FROM membership WHERE party_id = ? AND player_id = ?', [partyId, playerId]);
  }

  /** The same, a plain read of committed data (for reads that take no lock). */
  findCommitted(partyId: number, playerId: number): Promise<Membership | null> {
    return this.find(partyId, playerId, this.memberships.manager);
  }

  /** Every membership of a player, with its party's current version (where an event socket starts following each party). */
  async standingsOf(playerId: number, manager: EntityManager): Promise<{ partyId: number; role: MemberRole; status: MembershipStatus; version: number }[]> {
    const rows: { party_id: number | string; role: number | string; status: number | string; version: number | string }[] = await manager.query(
      'SELECT m.party_id, m.role, m.status, p.version FROM membership m INNER JOIN party p ON p.id = m.party_id WHERE m.player_id = ?',
      [playerId],
    );
    return rows.map((row) => ({ partyId: Number(row.party_id), role: Number(row.role), status: Number(row.status), version: Number(row.version) }));
  }

  /** Every membership of a party (accepted and waiting): who stands where, as the party is deleted. */
  membersOf(partyId: number, tx: EntityManager): Promise<Membership[]> {
    return selectEntities(tx, Membership, 'SELECT * FROM membership WHERE party_id = ?', [partyId]);
  }

  /** A player's membership in a party if it is accepted. */
  async findAccepted(partyId: number, playerId: number, tx: EntityManager): Promise<Membership | null> {
    const membership = await this.find(partyId, playerId, tx);
    return membership?.status === MembershipStatus.ACCEPTED ? membership : null;
  }

  findWaiting(partyId: number, membershipId: number, tx: EntityManager): Promise<Membership | null> {
    return tx.findOneBy(Membership, { id: membershipId, partyId, status: MembershipStatus.WAITING });
  }

  /** The next owner: the longest-standing admin, else the longest-standing accepted member (ids grow with time). */
  findSuccessor(partyId: number, tx: EntityManager): Promise<Membership | null> {
    return tx
      .createQueryBuilder(Membership, 'm')
      .where('m.party_id = :partyId AND m.status = :accepted AND m.role <> :owner', { partyId, accepted: MembershipStatus.ACCEPTED, owner: MemberRole.OWNER })
      .orderBy('CASE WHEN m.role = :admin THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .setParameter('admin', MemberRole.ADMIN)
      .getOne();
  }

  /** The stored membership with its id; null when the player already has one in that party (the unique key decides, also between racing requests). */
  async insert(fields: Omit<Membership, 'id'>, tx: EntityManager): Promise<Membership | null> {
    const membership = tx.create(Membership, fields);
    try {
      const { identifiers } = await tx.insert(Membership, membership);
      membership.id = (identifiers[0] as { id: number }).id;
      return membership;
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  async setRole(membershipId: number, role: MemberRole, tx: EntityManager): Promise<void> {
    await tx.update(Membership, { id: membershipId }, { role });
  }

  async setRoleOfPlayer(partyId: number, playerId: number, role: MemberRole, tx: EntityManager): Promise<void> {
    await tx.update(Membership, { partyId, playerId }, { role });
  }

  async accept(membershipId: number, tx: EntityManager): Promise<void> {
    await tx.update(Membership, { id: membershipId }, { status: MembershipStatus.ACCEPTED });
  }

  async setData(membership: Pick<Membership, 'id' | 'data' | 'variables'>, tx: EntityManager): Promise<void> {
    await tx.update(Membership, { id: membership.id }, { data: membership.data, variables: membership.variables });
  }

  /** Every membership's team and channels, reading nothing else. */
  namesIn(partyId: number, tx: EntityManager): Promise<MembershipNames[]> {
    return selectEntities(tx, Membership, 'SELECT id, team, channels FROM membership WHERE party_id = ?', [partyId]);
  }

  async setNames({ id, team, channels }: MembershipNames, tx: EntityManager): Promise<void> {
    await tx.update(Membership, { id }, { team, channels });
  }

  async delete(membershipId: number, tx: EntityManager): Promise<void> {
    await execute(tx, 'DELETE FROM membership WHERE id = ?', [membershipId]);
  }

  /** Deletes a join request; 0 when it is no longer waiting. */
  async deleteWaiting(membershipId: number, tx: EntityManager): Promise<number> {
    const result = await tx.delete(Membership, { id: membershipId, status: MembershipStatus.WAITING });
    return result.affected ?? 0;
  }

  async deleteAllOf(partyId: number, tx: EntityManager): Promise<void> {
    await tx.delete(Membership, { partyId });
  }

  /** Accepted members with their players: the owner first, then by who joined first. Two indexed reads (page, then its players by id). */
  async acceptedPage(partyId: number, skip: number, limit: number): Promise<MemberWithPlayer[]> {
    const manager = this.memberships.manager;
    const page = await selectEntities(
      manager,
      Membership,
      'SELECT * FROM membership WHERE party_id = ? AND status = ? ORDER BY CASE WHEN role = ? THEN 0 ELSE 1 END, id LIMIT ? OFFSET ?',
      [partyId, MembershipStatus.ACCEPTED, MemberRole.OWNER, limit, skip],
    );
    if (page.length === 0) return [];
    const ids = [...new Set(page.map((membership) => membership.playerId))];
    const players = await selectEntities(manager, Player, `SELECT * FROM player WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    const byId = new Map(players.map((player) => [player.id, player]));
    return page.map((membership) => Object.assign(membership, { player: byId.get(membership.playerId)! }));
  }

  /** Join requests, oldest first. */
  async waitingPage(partyId: number, skip: number, limit: number): Promise<Page<Membership>> {
    const [list, totalCount] = await this.memberships.findAndCount({
      where: { partyId, status: MembershipStatus.WAITING },
      order: { id: 'ASC' },
      skip,
      take: limit,
    });
    return { list, totalCount };
  }
}
