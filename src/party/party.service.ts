import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Caller } from '../common/caller/caller';
import { isDuplicateKey } from '../common/errors/database-errors';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { selectEntities } from '../database/fixed-sql';
import { Transactions } from '../database/transactions';
import { JoinPartyBody, PartyEditFields, PartyFields } from './dto/party-fields.dto';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { Party } from './entities/party.entity';
import { assertCanManage, assertOwnerOrServer, requirePlayer } from './party.access';
import { PARTY_LIMITS } from './party.limits';
import { findAcceptedMember, findMembership, JoinState, lockParty, readJoinState, removeMembership, standingOf, takeSeat, transferOwnership } from './party.store';

/** Every change to parties and memberships (SPEC §3). Each runs in one transaction holding the party's row lock. */
@Injectable()
export class PartyService {
  constructor(
    private readonly transactions: Transactions,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The creator (if a player) becomes the owner with an accepted membership. */
  create(caller: Caller, fields: PartyFields): Promise<Party> {
    const ownerId = caller.kind === 'player' ? caller.playerId : null;
    const maxMemberCount = fields.max_member_count ?? Math.min(PARTY_LIMITS.defaultMaxMemberCount, this.config.maxPartySize);
    this.assertWithinMaxPartySize(maxMemberCount);
    return this.transactions.run(async (manager) => {
      const party = await manager.save(
        manager.create(Party, {
          name: fields.name,
          description: fields.desc ?? '',
          image: fields.image ?? '',
          maxMemberCount,
          memberCount: ownerId === null ? 0 : 1,
          isPrivate: fields.is_private ?? false,
          teams: fields.teams ?? [],
          channels: fields.channels ?? [],
          data: fields.data ?? '',
          variables: { ...fields.variables },
          ownerId,
          createdAt: new Date(),
        }),
      );
      if (ownerId !== null) await this.insertMembership(manager, party.id, ownerId, MemberRole.OWNER, MembershipStatus.ACCEPTED, {});
      return party;
    });
  }

  /** Public party: accepted at once while a seat is free. Private party: a waiting join request. */
  async join(caller: Caller, partyId: number, body: JoinPartyBody): Promise<Membership> {
    const playerId = requirePlayer(caller);
    // Most refusals can be told from committed data, without the party's row lock: a crowd joining a
    // full party is then turned away at once instead of queueing for the lock. What passes is checked
    // again under the lock.
    assertMayJoin(await readJoinState(this.dataSource.manager, partyId, playerId, false), body);
    return this.transactions.run(async (manager) => {
      const { party } = assertMayJoin(await readJoinState(manager, partyId, playerId, true), body);
      if (!party.isPrivate && !(await takeSeat(manager, partyId))) throw partyFull(party);
      const status = party.isPrivate ? MembershipStatus.WAITING : MembershipStatus.ACCEPTED;
      return this.insertMembership(manager, partyId, playerId, MemberRole.MEMBER, status, body);
    });
  }

  edit(caller: Caller, partyId: number, fields: PartyEditFields): Promise<Party> {
    if (fields.id !== undefined && fields.id !== partyId) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `data.id must equal the party id in the path (${partyId})`);
    }
    if (fields.max_member_count !== undefined) this.assertWithinMaxPartySize(fields.max_member_count);
    return this.transactions.run(async (manager) => {
      const party = await lockParty(manager, partyId);
      const standing = await standingOf(manager, caller, partyId);
      assertCanManage(standing);

      if (fields.owner !== undefined && fields.owner !== party.ownerId) {
        assertOwnerOrServer(standing, 'transfer ownership');
        const heir = await findAcceptedMember(manager, partyId, fields.owner);
        if (!heir) throw new DomainError(ErrorCode.INVALID_OWNER, `player ${fields.owner} is not an accepted member of party ${partyId}`);
        await transferOwnership(manager, party, heir);
      }
      if (fields.max_member_count !== undefined) {
        if (fields.max_member_count < party.memberCount) {
          throw new DomainError(ErrorCode.CAPACITY_BELOW_MEMBERS, `party ${partyId} has ${party.memberCount} members, more than ${fields.max_member_count}`);
        }
        party.maxMemberCount = fields.max_member_count;
      }
      if (fields.teams !== undefined) party.teams = fields.teams;
      if (fields.channels !== undefined) party.channels = fields.channels;
      if (fields.teams !== undefined || fields.channels !== undefined) await clearRemovedNames(manager, party);
      if (fields.name !== undefined) party.name = fields.name;
      if (fields.desc !== undefined) party.description = fields.desc;
      if (fields.image !== undefined) party.image = fields.image;
      if (fields.is_private !== undefined) party.isPrivate = fields.is_private;
      if (fields.data !== undefined) party.data = fields.data;
      if (fields.variables !== undefined) party.variables = { ...fields.variables };
      // member_count is maintained by takeSeat/freeSeat; never write back the value read under the lock.
      const { memberCount: _ignored, ...columns } = party;
      await manager.update(Party, { id: partyId }, columns);
      return party;
    });
  }

  /**
   * Leaves the party, or withdraws a join request. An owner leaving hands ownership over; the last
   * member leaving a player-owned party deletes it with its waiting list.
   */
  leave(caller: Caller, partyId: number): Promise<Membership> {
    const playerId = requirePlayer(caller);
    return this.transactions.run(async (manager) => {
      const party = await lockParty(manager, partyId);
      const membership = await findMembership(manager, partyId, playerId);
      if (!membership) throw new DomainError(ErrorCode.MEMBERSHIP_NOT_FOUND, `player ${playerId} is not in party ${partyId}`);
      await removeMembership(manager, party, membership);
      return membership;
    });
  }

  accept(caller: Caller, partyId: number, membershipId: number): Promise<Membership> {
    return this.decideRequest(caller, partyId, membershipId, async (manager, party, request) => {
      if (!(await takeSeat(manager, partyId))) throw partyFull(party);
      await manager.update(Membership, { id: request.id }, { status: MembershipStatus.ACCEPTED });
      request.status = MembershipStatus.ACCEPTED;
      return request;
    });
  }

  async reject(caller: Caller, partyId: number, membershipId: number): Promise<number> {
    return this.decideRequest(caller, partyId, membershipId, async (manager, _party, request) => {
      const result = await manager.delete(Membership, { id: request.id, status: MembershipStatus.WAITING });
      return result.affected ?? 0;
    });
  }

  /** Accept and reject touch only a waiting membership of this party, and only for its managers. */
  private decideRequest<T>(
    caller: Caller,
    partyId: number,
    membershipId: number,
    decide: (manager: EntityManager, party: Party, request: Membership) => Promise<T>,
  ): Promise<T> {
    return this.transactions.run(async (manager) => {
      const party = await lockParty(manager, partyId);
      assertCanManage(await standingOf(manager, caller, partyId));
      const request = await manager.findOneBy(Membership, { id: membershipId, partyId, status: MembershipStatus.WAITING });
      if (!request) throw new DomainError(ErrorCode.MEMBERSHIP_NOT_FOUND, `no waiting join request ${membershipId} in party ${partyId}`);
      return decide(manager, party, request);
    });
  }

  private async insertMembership(
    manager: EntityManager,
    partyId: number,
    playerId: number,
    role: MemberRole,
    status: MembershipStatus,
    choice: JoinPartyBody,
  ): Promise<Membership> {
    const membership = manager.create(Membership, {
      partyId,
      playerId,
      role,
      status,
      data: '',
      variables: {},
      channels: choice.channels ?? [],
      team: choice.team ?? null,
      createdAt: new Date(),
    });
    try {
      const { identifiers } = await manager.insert(Membership, membership);
      membership.id = identifiers[0].id;
      return membership;
    } catch (error) {
      // The unique key (party, player) is the last word should two requests ever get this far.
      if (isDuplicateKey(error)) throw alreadyMember(playerId, partyId);
      throw error;
    }
  }

  private assertWithinMaxPartySize(maxMemberCount: number): void {
    if (maxMemberCount > this.config.maxPartySize) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `data.max_member_count must not be greater than ${this.config.maxPartySize}`);
    }
  }
}

/** Why a player may not join (in the order a client should hear it), or the state when they may. */
function assertMayJoin(state: JoinState, choice: JoinPartyBody): JoinState {
  const { party, playerId } = state;
  if (choice.team != null && !party.teams.includes(choice.team)) {
    throw new DomainError(ErrorCode.INVALID_TEAM, `team "${choice.team}" is not one of the party's teams ${JSON.stringify(party.teams)}`);
  }
  const unknown = (choice.channels ?? []).filter((channel) => !party.channels.includes(channel));
  if (unknown.length > 0) {
    throw new DomainError(ErrorCode.INVALID_CHANNELS, `${JSON.stringify(unknown)} not among the party's channels ${JSON.stringify(party.channels)}`);
  }
  if (state.banned) throw new DomainError(ErrorCode.PERMISSION_DENIED, `player ${playerId} is banned from party ${party.id}`);
  if (state.hasMembership) throw alreadyMember(playerId, party.id);
  if (!party.isPrivate && party.memberCount >= party.maxMemberCount) throw partyFull(party);
  return state;
}

/**
 * Clears from the party's memberships any team or channel the party no longer has. Names are compared
 * here, exactly, not in SQL, where MySQL's collation would take "Red" for "red".
 */
async function clearRemovedNames(manager: EntityManager, party: Party): Promise<void> {
  const memberships: Pick<Membership, 'id' | 'team' | 'channels'>[] = await selectEntities(
    manager,
    Membership,
    'SELECT id, team, channels FROM membership WHERE party_id = ?',
    [party.id],
  );
  for (const membership of memberships) {
    const team = membership.team !== null && party.teams.includes(membership.team) ? membership.team : null;
    const channels = membership.channels.filter((channel) => party.channels.includes(channel));
    if (team !== membership.team || channels.length !== membership.channels.length) {
      await manager.update(Membership, { id: membership.id }, { team, channels });
    }
  }
}

function alreadyMember(playerId: number, partyId: number): DomainError {
  return new DomainError(ErrorCode.ALREADY_MEMBER, `player ${playerId} already has a membership in party ${partyId}`);
}

function partyFull(party: Party): DomainError {
  return new DomainError(ErrorCode.PARTY_FULL, `party ${party.id} is full (${party.maxMemberCount} members)`);
}
