import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../auth/caller';
import { Transactions } from '../database/transactions';
import { Party } from './entities/party.entity';
import { assertIfMatch } from './events/if-match';
import { PartyChange } from './events/party-change';
import { PartyChangeLog } from './events/party-change-log';
import { Permission, Standing, standingOf } from './party.access';
import { partyNotFound } from './party.errors';
import { MembershipRepository } from './repositories/membership.repository';
import { PartyRepository } from './repositories/party.repository';

/** A party whose row the current transaction holds locked, who is acting on it, and the change being made. */
export interface LockedParty {
  tx: EntityManager;
  party: Party;
  standing: Standing;
  change: PartyChange;
}

/**
 * The start and end of every write to an existing party: one transaction that first locks the party
 * row (PARTY_NOT_FOUND without one), checks If-Match, finds the caller's standing and checks the
 * permission; and ends by writing the change's version and events in the same transaction. Every
 * change to one party therefore happens one at a time, in every process sharing the database.
 */
@Injectable()
export class PartyLock {
  constructor(
    private readonly transactions: Transactions,
    private readonly parties: PartyRepository,
    private readonly memberships: MembershipRepository,
    private readonly changeLog: PartyChangeLog,
  ) {}

  run<T>(caller: Caller, partyId: number, may: Permission, work: (locked: LockedParty) => Promise<T>): Promise<T> {
    return this.transactions.run(async (tx) => {
      const party = await this.parties.lock(partyId, tx);
      if (!party) throw partyNotFound(partyId);
      assertIfMatch(party);
      const membership = caller.kind === 'player' ? await this.memberships.find(partyId, caller.playerId, tx) : null;
      const standing = standingOf(caller, membership);
      may(standing);
      return this.changing(tx, party, (change) => work({ tx, party, standing, change }));
    });
  }

  /** Runs `work` on a party whose row `tx` holds locked (and whose If-Match was checked), then writes its change. */
  async changing<T>(tx: EntityManager, party: Party, work: (change: PartyChange) => Promise<T>): Promise<T> {
    const change = new PartyChange(party);
    const result = await work(change);
    await this.changeLog.write(change, tx);
    return result;
  }
}
