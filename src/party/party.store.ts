import { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { Caller } from '../common/caller/caller';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { PartyBan } from './entities/party-ban.entity';
import { Party } from './entities/party.entity';
import { Standing } from './party.access';
import { hydrate, selectEntity } from '../database/fixed-sql';

/*
 * The SQL every party write is built from. Writers lock the party row first (SELECT … FOR UPDATE),
 * so all changes to one party and its memberships happen one at a time, in every process sharing the
 * database; the capacity check is also written into the UPDATE itself.
 */

/** `FOR UPDATE` where the database has row locks; sql.js runs one unit of work at a time anyway. */
function forUpdate(manager: EntityManager): string {
  return manager.connection.options.type === 'sqljs' ? '' : ' FOR UPDATE';
}

/** The party, locked for the rest of the transaction; PARTY_NOT_FOUND if there is none. */
export function lockParty(manager: EntityManager, partyId: number): Promise<Party> {
  return readParty(manager, partyId, forUpdate(manager));
}

/** The party, or PARTY_NOT_FOUND; a plain read. */
export function findParty(manager: EntityManager, partyId: number): Promise<Party> {
  return readParty(manager, partyId, '');
}

async function readParty(manager: EntityManager, partyId: number, lock: string): Promise<Party> {
  const party = await selectEntity(manager, Party, `SELECT * FROM party WHERE id = ?${lock}`, [partyId]);
  if (!party) throw partyNotFound(partyId);
  return party;
}

/** What decides a join: the party, and whether the player is banned from it or already has a membership. */
export interface JoinState {
  party: Party;
  playerId: number;
  banned: boolean;
  hasMembership: boolean;
}

/**
 * One round trip; with `lock` the party row is locked for the rest of the transaction. FOR UPDATE
 * locks only the party row, not what the subqueries count: the counts are current because, at READ
 * COMMITTED, the statement reads after the lock is granted, and every writer of bans and memberships
 * holds that lock.
 */
export async function readJoinState(manager: EntityManager, partyId: number, playerId: number, lock: boolean): Promise<JoinState> {
  const [row] = await manager.query(
    'SELECT party.*, ' +
      '(SELECT COUNT(*) FROM party_ban b WHERE b.party_id = party.id AND b.player_id = ?) AS banned, ' +
      '(SELECT COUNT(*) FROM membership m WHERE m.party_id = party.id AND m.player_id = ?) AS memberships ' +
      `FROM party WHERE party.id = ?${lock ? forUpdate(manager) : ''}`,
    [playerId, playerId, partyId],
  );
  if (!row) throw partyNotFound(partyId);
  return { party: hydrate(manager, Party, row), playerId, banned: Number(row.banned) > 0, hasMembership: Number(row.memberships) > 0 };
}

/** A player's membership (waiting or accepted) in a party. */
export function findMembership(manager: EntityManager, partyId: number, playerId: number): Promise<Membership | null> {
  return selectEntity(manager, Membership, 'SELECT * FROM membership WHERE party_id = ? AND player_id = ?', [partyId, playerId]);
}

/** A player's membership in a party if it is accepted. */
export async function findAcceptedMember(manager: EntityManager, partyId: number, playerId: number): Promise<Membership | null> {
  const membership = await findMembership(manager, partyId, playerId);
  return membership?.status === MembershipStatus.ACCEPTED ? membership : null;
}

export function partyNotFound(partyId: number): DomainError {
  return new DomainError(ErrorCode.PARTY_NOT_FOUND, `party ${partyId} does not exist`);
}

export async function standingOf(manager: EntityManager, caller: Caller, partyId: number): Promise<Standing> {
  if (caller.kind === 'server') return caller;
  return { kind: 'player', playerId: caller.playerId, membership: await findMembership(manager, partyId, caller.playerId) };
}

/** Takes one seat if one is free; false when the party is full. */
export async function takeSeat(manager: EntityManager, partyId: number): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Party)
    .set({ memberCount: () => 'member_count + 1' })
    .where('id = :partyId AND member_count < max_member_count', { partyId })
    .execute();
  return result.affected === 1;
}

export async function freeSeat(manager: EntityManager, partyId: number): Promise<void> {
  await manager
    .createQueryBuilder()
    .update(Party)
    .set({ memberCount: () => 'member_count - 1' })
    .where('id = :partyId AND member_count > 0', { partyId })
    .execute();
}

/** The next owner: the longest-standing admin, else the longest-standing accepted member (ids grow with time). */
export async function findSuccessor(manager: EntityManager, partyId: number): Promise<Membership | null> {
  return manager
    .createQueryBuilder(Membership, 'm')
    .where('m.party_id = :partyId AND m.status = :accepted AND m.role <> :owner', { partyId, accepted: MembershipStatus.ACCEPTED, owner: MemberRole.OWNER })
    .orderBy('CASE WHEN m.role = :admin THEN 0 ELSE 1 END', 'ASC')
    .addOrderBy('m.id', 'ASC')
    .setParameter('admin', MemberRole.ADMIN)
    .getOne();
}

/** Makes an accepted member the owner; the previous owner (if any) becomes a plain member. */
export async function transferOwnership(manager: EntityManager, party: Party, to: Membership): Promise<void> {
  if (party.ownerId !== null) {
    await manager.update(Membership, { partyId: party.id, playerId: party.ownerId }, { role: MemberRole.MEMBER });
  }
  await manager.update(Membership, { id: to.id }, { role: MemberRole.OWNER });
  to.role = MemberRole.OWNER;
  party.ownerId = to.playerId;
}

/**
 * Removes a membership with everything that follows from it: a seat freed if it was accepted; if it
 * was the owner's, ownership handed to the successor, or the party deleted (with its waiting list and
 * bans) when no accepted member is left.
 */
export async function removeMembership(manager: EntityManager, party: Party, membership: Membership): Promise<void> {
  await manager.delete(Membership, { id: membership.id });
  if (membership.status === MembershipStatus.ACCEPTED) await freeSeat(manager, party.id);
  if (membership.role !== MemberRole.OWNER) return;
  const heir = await findSuccessor(manager, party.id);
  if (!heir) {
    await deleteParty(manager, party.id);
    return;
  }
  party.ownerId = null; // the old owner's membership is already gone
  await transferOwnership(manager, party, heir);
  await manager.update(Party, { id: party.id }, { ownerId: party.ownerId });
}

export async function deleteParty(manager: EntityManager, partyId: number): Promise<void> {
  await manager.delete(PartyBan, { partyId });
  await manager.delete(Membership, { partyId });
  await manager.delete(Party, { id: partyId });
}
