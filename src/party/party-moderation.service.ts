import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../common/caller/caller';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { Transactions } from '../database/transactions';
import { Player } from '../players/entities/player.entity';
import { MemberDataBody } from './dto/moderation.dto';
import { Membership, MemberRole } from './entities/membership.entity';
import { PartyBan } from './entities/party-ban.entity';
import { Party } from './entities/party.entity';
import { assertCanEditMemberData, assertCanManage, assertCanRemove, assertOwnerOrServer, Standing } from './party.access';
import { deleteParty, findAcceptedMember, findMembership, lockParty, removeMembership, standingOf } from './party.store';

type Work<T> = (manager: EntityManager, party: Party, standing: Standing) => Promise<T>;

/** Roles, kicks, bans, disbanding and members' own data. Each runs in one transaction holding the party's row lock. */
@Injectable()
export class PartyModerationService {
  constructor(private readonly transactions: Transactions) {}

  /** The owner (or the trusted server) makes an accepted member an admin, or an admin a member. */
  setRole(caller: Caller, partyId: number, playerId: number, role: MemberRole.ADMIN | MemberRole.MEMBER): Promise<Membership> {
    return this.inParty(caller, partyId, async (manager, _party, standing) => {
      assertOwnerOrServer(standing, 'promote or demote members');
      const member = await acceptedMember(manager, partyId, playerId);
      if (member.role === MemberRole.OWNER) throw new DomainError(ErrorCode.PERMISSION_DENIED, "the owner's role changes only by transferring ownership");
      await manager.update(Membership, { id: member.id }, { role });
      member.role = role;
      return member;
    });
  }

  /** Removes an accepted member; the count falls in the same transaction. */
  kick(caller: Caller, partyId: number, playerId: number): Promise<Membership> {
    return this.inParty(caller, partyId, async (manager, party, standing) => {
      assertCanManage(standing); // who may kick at all comes before whether the target exists
      const member = await acceptedMember(manager, partyId, playerId);
      assertCanRemove(standing, playerId, member);
      await removeMembership(manager, party, member);
      return member;
    });
  }

  /** Bars a player from the party, removing their membership or request if they have one. Banning twice keeps the first ban. */
  ban(caller: Caller, partyId: number, playerId: number): Promise<PartyBan> {
    return this.inParty(caller, partyId, async (manager, party, standing) => {
      assertCanManage(standing);
      if (!(await manager.existsBy(Player, { id: playerId }))) throw new DomainError(ErrorCode.PLAYER_NOT_FOUND, `player ${playerId} does not exist`);
      const membership = await findMembership(manager, partyId, playerId);
      assertCanRemove(standing, playerId, membership);
      const existing = await manager.findOneBy(PartyBan, { partyId, playerId });
      if (existing) return existing;
      const ban = manager.create(PartyBan, { partyId, playerId, bannedBy: standing.kind === 'player' ? standing.playerId : null, createdAt: new Date() });
      await manager.insert(PartyBan, ban);
      if (membership) await removeMembership(manager, party, membership);
      return ban;
    });
  }

  unban(caller: Caller, partyId: number, playerId: number): Promise<number> {
    return this.inParty(caller, partyId, async (manager, _party, standing) => {
      assertCanManage(standing);
      const result = await manager.delete(PartyBan, { partyId, playerId });
      if (!result.affected) throw new DomainError(ErrorCode.BAN_NOT_FOUND, `player ${playerId} is not banned from party ${partyId}`);
      return result.affected;
    });
  }

  /** Deletes the party with all its memberships, requests and bans; returns the party as it was. */
  disband(caller: Caller, partyId: number): Promise<Party> {
    return this.inParty(caller, partyId, async (manager, party, standing) => {
      assertOwnerOrServer(standing, 'disband the party');
      await deleteParty(manager, partyId);
      return party;
    });
  }

  /** A member sets their own membership's data and variables (waiting requests included). */
  setMemberData(caller: Caller, partyId: number, playerId: number, fields: MemberDataBody): Promise<Membership> {
    return this.inParty(caller, partyId, async (manager, _party, standing) => {
      assertCanEditMemberData(standing, playerId);
      const membership = await findMembership(manager, partyId, playerId);
      if (!membership) throw membershipNotFound(partyId, playerId);
      if (fields.data !== undefined) membership.data = fields.data;
      if (fields.variables !== undefined) membership.variables = { ...fields.variables };
      await manager.update(Membership, { id: membership.id }, { data: membership.data, variables: membership.variables });
      return membership;
    });
  }

  private inParty<T>(caller: Caller, partyId: number, work: Work<T>): Promise<T> {
    return this.transactions.run(async (manager) => {
      const party = await lockParty(manager, partyId);
      return work(manager, party, await standingOf(manager, caller, partyId));
    });
  }
}

async function acceptedMember(manager: EntityManager, partyId: number, playerId: number): Promise<Membership> {
  const member = await findAcceptedMember(manager, partyId, playerId);
  if (!member) throw membershipNotFound(partyId, playerId);
  return member;
}

function membershipNotFound(partyId: number, playerId: number): DomainError {
  return new DomainError(ErrorCode.MEMBERSHIP_NOT_FOUND, `player ${playerId} is not a member of party ${partyId}`);
}
