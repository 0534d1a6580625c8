import { Injectable } from '@nestjs/common';
import { Caller } from '../auth/caller';
import { Removal, Row } from '../common/openapi/envelopes';
import { PlayersService } from '../players/players.service';
import { playerNotFound } from '../players/players.errors';
import { MemberDataBody } from './dto/moderation.dto';
import { Membership, MemberRole } from './entities/membership.entity';
import { assertCanEditMemberData, assertCanManage, assertCanRemove, assertOwnerOrServer, Standing } from './party.access';
import { banNotFound, notAMember, permissionDenied } from './party.errors';
import { positionOf } from './events/party-event';
import { Actor } from './events/party-change';
import { memberDataFields } from './party.compare';
import { LockedParty, PartyLock } from './party.lock';
import { PartyOwnership } from './party.ownership';
import { BanView, MembershipView, PartyView, toBanView, toMembershipView, toPartyView } from './party.views';
import { MembershipRepository } from './repositories/membership.repository';
import { PartyBanRepository } from './repositories/party-ban.repository';

/** Roles, kicks, bans, disbanding and members' own data. Each runs in one transaction holding the party's row lock. */
@Injectable()
export class PartyModerationService {
  constructor(
    private readonly lock: PartyLock,
    private readonly ownership: PartyOwnership,
    private readonly memberships: MembershipRepository,
    private readonly bans: PartyBanRepository,
    private readonly players: PlayersService,
  ) {}

  /** The owner (or the trusted server) makes an accepted member an admin, or an admin a member. */
  setRole(caller: Caller, partyId: number, playerId: number, role: MemberRole.ADMIN | MemberRole.MEMBER): Promise<Row<MembershipView>> {
    const may = (standing: Standing) => assertOwnerOrServer(standing, 'promote or demote members');
    return this.lock.run(caller, partyId, may, async (locked) => {
      const member = await this.acceptedMember(locked, playerId);
      if (member.role === MemberRole.OWNER) throw permissionDenied("the owner's role changes only by transferring ownership");
      if (member.role === role) return { row: toMembershipView(member) }; // the same role again changes nothing
      const from = positionOf(member);
      await this.memberships.setRole(member.id, role, locked.tx);
      member.role = role;
      locked.change.membership('member.updated', member, from, positionOf(member));
      return { row: toMembershipView(member) };
    });
  }

  /** Removes an accepted member; who may kick at all comes before whether the target exists. */
  kick(caller: Caller, partyId: number, playerId: number): Promise<Removal<MembershipView>> {
    return this.lock.run(caller, partyId, assertCanManage, async (locked) => {
      const member = await this.acceptedMember(locked, playerId);
      assertCanRemove(locked.standing, playerId, member);
      locked.change.membership('member.kicked', member, positionOf(member), null, { by: actorOf(locked.standing) });
      await this.ownership.remove(locked.change, member, locked.tx);
      return { row: toMembershipView(member), affected: 1 };
    });
  }

  /** Bars a player from the party, removing their membership or request if they have one. Banning twice keeps the first ban. */
  ban(caller: Caller, partyId: number, playerId: number): Promise<Row<BanView>> {
    return this.lock.run(caller, partyId, assertCanManage, async ({ tx, standing, change }) => {
      if (!(await this.players.exists(playerId, tx))) throw playerNotFound(playerId);
      const membership = await this.memberships.find(partyId, playerId, tx);
      assertCanRemove(standing, playerId, membership);
      const existing = await this.bans.find(partyId, playerId, tx);
      if (existing) return { row: toBanView(existing) };
      const ban = { partyId, playerId, bannedBy: standing.kind === 'player' ? standing.playerId : null, createdAt: new Date() };
      await this.bans.insert(ban, tx);
      change.banned(playerId, membership, actorOf(standing));
      if (membership) await this.ownership.remove(change, membership, tx);
      return { row: toBanView(ban) };
    });
  }

  unban(caller: Caller, partyId: number, playerId: number): Promise<Removal<BanView>> {
    return this.lock.run(caller, partyId, assertCanManage, async ({ tx, standing, change }) => {
      const ban = await this.bans.find(partyId, playerId, tx);
      if (!ban) throw banNotFound(partyId, playerId);
      change.banLifted(playerId, actorOf(standing));
      return { row: toBanView(ban), affected: await this.bans.delete(partyId, playerId, tx) };
    });
  }

  /** Deletes the party with all its memberships, requests and bans; returns the party as it was. */
  disband(caller: Caller, partyId: number): Promise<Row<PartyView>> {
    const may = (standing: Standing) => assertOwnerOrServer(standing, 'disband the party');
    return this.lock.run(caller, partyId, may, async ({ tx, party, change }) => {
      const asItWas = toPartyView(party);
      await this.ownership.delete(change, tx);
      return { row: asItWas };
    });
  }

  /** A member sets their own membership's data and variables (waiting requests included). */
  setMemberData(caller: Caller, partyId: number, playerId: number, fields: MemberDataBody): Promise<Row<MembershipView>> {
    const may = (standing: Standing) => assertCanEditMemberData(standing, playerId);
    return this.lock.run(caller, partyId, may, async ({ tx, change }) => {
      const membership = await this.memberships.find(partyId, playerId, tx);
      if (!membership) throw notAMember(partyId, playerId);
      const before = memberDataFields(membership);
      if (fields.data !== undefined) membership.data = fields.data;
      if (fields.variables !== undefined) membership.variables = { ...fields.variables };
      if (memberDataFields(membership) === before) return { row: toMembershipView(membership) }; // nothing changed
      await this.memberships.setData(membership, tx);
      const position = positionOf(membership);
      change.membership('member.updated', membership, position, position);
      return { row: toMembershipView(membership) };
    });
  }

  private async acceptedMember({ tx, party }: LockedParty, playerId: number): Promise<Membership> {
    const member = await this.memberships.findAccepted(party.id, playerId, tx);
    if (!member) throw notAMember(party.id, playerId);
    return member;
  }
}

/** `by` in events: the acting player, or 0 for the trusted server. */
function actorOf(standing: Standing): Actor {
  return standing.kind === 'player' ? standing.playerId : 0;
}
