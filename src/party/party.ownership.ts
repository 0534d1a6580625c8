import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { PartyChange } from './events/party-change';
import { positionOf } from './events/party-event';
import { MembershipRepository } from './repositories/membership.repository';
import { PartyBanRepository } from './repositories/party-ban.repository';
import { PartyRepository } from './repositories/party.repository';

/**
 * Who owns a party, and what follows when a membership goes (SPEC §3): the owner leaving hands the
 * party to the longest-standing admin, else the longest-standing accepted member; with nobody left a
 * player-owned party is deleted with its waiting list and bans. A party the trusted server created for
 * nobody has no owner's membership, so it stays when its members leave. Runs inside the caller's
 * transaction, which holds the party's row lock, and records its events in the caller's change.
 */
@Injectable()
export class PartyOwnership {
  constructor(
    private readonly parties: PartyRepository,
    private readonly memberships: MembershipRepository,
    private readonly bans: PartyBanRepository,
  ) {}

  /** Makes an accepted member the owner; the previous owner (if still a member) becomes a plain member. */
  async transfer(change: PartyChange, heir: Membership, tx: EntityManager, previousOwner = change.party.ownerId): Promise<void> {
    const party = change.party;
    const stillMember = party.ownerId !== null;
    if (stillMember) await this.memberships.setRoleOfPlayer(party.id, party.ownerId!, MemberRole.MEMBER, tx);
    const heirWas = positionOf(heir);
    await this.memberships.setRole(heir.id, MemberRole.OWNER, tx);
    heir.role = MemberRole.OWNER;
    party.ownerId = heir.playerId;
    await this.parties.update(party.id, { ownerId: party.ownerId }, tx);
    change.ownerChanged(heir, heirWas, previousOwner, stillMember);
  }

  /**
   * Removes a membership with everything that follows from it: its seat, and the ownership if it was
   * the owner's (handed over, or the party deleted). The removal's own event is the caller's to record.
   */
  async remove(change: PartyChange, membership: Membership, tx: EntityManager): Promise<void> {
    const party = change.party;
    await this.memberships.delete(membership.id, tx);
    if (membership.status === MembershipStatus.ACCEPTED) {
      await this.parties.freeSeat(party.id, change.nextVersion, tx);
      change.versionWritten = true;
    }
    if (membership.role !== MemberRole.OWNER) return;
    const heir = await this.memberships.findSuccessor(party.id, tx);
    if (!heir) {
      await this.delete(change, tx);
      return;
    }
    party.ownerId = null; // the old owner's membership is already gone
    await this.transfer(change, heir, tx, membership.playerId);
  }

  /** Deletes the party with all its memberships, join requests and bans. */
  async delete(change: PartyChange, tx: EntityManager): Promise<void> {
    const partyId = change.party.id;
    change.deleted(await this.memberships.membersOf(partyId, tx));
    await this.bans.deleteAllOf(partyId, tx);
    await this.memberships.deleteAllOf(partyId, tx);
    await this.parties.delete(partyId, tx);
  }
}
