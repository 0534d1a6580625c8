import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../auth/caller';
import { Transactions } from '../database/transactions';
import { Party } from './entities/party.entity';
import { Permission, Standing, standingOf } from './party.access';
import { partyNotFound } from './party.errors';
import { MembershipRepository } from './repositories/membership.repository';
import { PartyRepository } from './repositories/party.repository';

/** A party whose row the current transaction holds locked, and who is acting on it. */
export interface LockedParty {
  tx: EntityManager;
  party: Party;
  standing: Standing;
}

/**
 * The start of every write to an existing party: one transaction that first locks the party row
 * (PARTY_NOT_FOUND without one), then finds the caller's standing in it and checks the permission.
 * Every change to one party therefore happens one at a time, in every process sharing the database.
 */
@Injectable()
export class PartyLock {
  constructor(
    private readonly transactions: Transactions,
    private readonly parties: PartyRepository,
    private readonly memberships: MembershipRepository,
  ) {}

  run<T>(caller: Caller, partyId: number, may: Permission, work: (locked: LockedParty) => Promise<T>): Promise<T> {
    return this.transactions.run(async (tx) => {
      const party = await this.parties.lock(partyId, tx);
      if (!party) throw partyNotFound(partyId);
      const membership = caller.kind === 'player' ? await this.memberships.find(partyId, caller.playerId, tx) : null;
      const standing = standingOf(caller, membership);
      may(standing);
      return work({ tx, party, standing });
    });
  }
}
