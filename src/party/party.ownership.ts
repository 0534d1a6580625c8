import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { Party } from './entities/party.entity';
import { MembershipRepository } from './repositories/membership.repository';
import { PartyBanRepository } from './repositories/party-ban.repository';
import { PartyRepository } from './repositories/party.repository';

/**
 * Who owns a party, and what follows when a membership goes (SPEC §3): the owner leaving hands the
 * party to the longest-standing admin, else the longest-standing accepted member; with nobody left a
 * player-owned party is deleted with its waiting list and bans. A party the trusted server created for
 * nobody has no owner's membership, so it stays when its members leave. Runs inside the caller's
 * transaction, which holds the party's row lock.
 */
@Injectable()
export class PartyOwnership {
  constructor(
    private readonly parties: PartyRepository,
    private readonly memberships: MembershipRepository,
    private readonly bans: PartyBanRepository,
  ) {}

  /** Makes an accepted member the owner; the previous owner (if any) becomes a plain member. */
  async transfer(party: Party, heir: Membership, tx: EntityManager): Promise<void> {
    if (party.ownerId !== null) await this.memberships.setRoleOfPlayer(party.id, party.ownerId, MemberRole.MEMBER, tx);
    await this.memberships.setRole(heir.id, MemberRole.OWNER, tx);
    heir.role = MemberRole.OWNER;
    party.ownerId = heir.playerId;
  }

  /** Removes a membership with everything that follows from it: its seat, and the ownership if it was the owner's. */
  async remove(party: Party, membership: Membership, tx: EntityManager): Promise<void> {
    await this.memberships.delete(membership.id, tx);
    if (membership.status === MembershipStatus.ACCEPTED) await this.parties.freeSeat(party.id, tx);
    if (membership.role !== MemberRole.OWNER) return;
    const heir = await this.memberships.findSuccessor(party.id, tx);
    if (!heir) {
      await this.delete(party.id, tx);
      return;
    }
    party.ownerId = null; // the old owner's membership is already gone
    await this.transfer(party, heir, tx);
    await this.parties.update(party.id, { ownerId: party.ownerId }, tx);
  }

  /** Deletes the party with all its memberships, join requests and bans. */
  async delete(partyId: number, tx: EntityManager): Promise<void> {
    await this.bans.deleteAllOf(partyId, tx);
    await this.memberships.deleteAllOf(partyId, tx);
    await this.parties.delete(partyId, tx);
  }
}
