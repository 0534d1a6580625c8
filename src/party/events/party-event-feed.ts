import { Injectable } from '@nestjs/common';
import { Transactions } from '../../database/transactions';
import { MembershipRepository } from '../repositories/membership.repository';
import { PartyEventRepository } from '../repositories/party-event.repository';
import { PartyChangeRecord, Position, positionOf } from './party-event';

/** A party a player's socket follows from the start: where the player stands, at which version. */
export interface Standing {
  party: number;
  position: Position;
  version: number;
}

/**
 * What the realtime side reads of parties: committed changes and where players stand. Reads go through
 * Transactions.read, so on the embedded database they never see a unit of work's uncommitted rows.
 */
@Injectable()
export class PartyEventFeed {
  constructor(
    private readonly transactions: Transactions,
    private readonly events: PartyEventRepository,
    private readonly memberships: MembershipRepository,
  ) {}

  /** Every party the player has a membership in. */
  async standingsOf(playerId: number): Promise<Standing[]> {
    const rows = await this.transactions.read((manager) => this.memberships.standingsOf(playerId, manager));
    return rows.map((row) => ({ party: row.partyId, position: positionOf(row), version: row.version }));
  }

  async positionOf(partyId: number, playerId: number): Promise<Position> {
    return positionOf(await this.transactions.read((manager) => this.memberships.find(partyId, playerId, manager)));
  }

  /** The changes after `after` up to `upTo`, oldest first; fewer than asked when some were pruned; with `since`, only those recorded since then. */
  range(partyId: number, after: number, upTo: number, since?: Date): Promise<PartyChangeRecord[]> {
    return this.transactions.read((manager) => this.events.range(manager, partyId, after, upTo, since));
  }

  /** The party's version (for a deleted party, its deletion's); null for a party never seen. */
  currentVersion(partyId: number): Promise<number | null> {
    return this.transactions.read((manager) => this.events.currentVersion(manager, partyId));
  }

  /** The parties changed since `since`, with the first and last version since then (the sweep that catches up what the bus lost). */
  changedSince(since: Date): Promise<{ party: number; first: number; last: number }[]> {
    return this.transactions.read((manager) => this.events.changedSince(manager, since));
  }
}
