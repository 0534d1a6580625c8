import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { EntityManager } from 'typeorm';
import { purgeInBatches } from '../../common/purge';
import { Transactions } from '../../database/transactions';
import { EventBus } from '../../realtime/event-bus';
import { PartyEventRepository, EVENTS_KEPT_MS } from '../repositories/party-event.repository';
import { PartyRepository } from '../repositories/party.repository';
import { Party } from '../entities/party.entity';
import { PartyChange } from './party-change';
import { PartyChangeRecord } from './party-event';

/**
 * Commits a change's version and events with the change itself (SPEC §7): the version bump and the
 * event row are written in the change's transaction, so every committed change has its event, in
 * version order, and a rolled-back one has none; the event is published only once it has committed.
 */
@Injectable()
export class PartyChangeLog {
  private readonly logger = new Logger('PartyEvents');

  constructor(
    private readonly transactions: Transactions,
    private readonly parties: PartyRepository,
    private readonly events: PartyEventRepository,
    private readonly bus: EventBus,
  ) {}

  /** Writes the change's version and event row in `tx` (nothing for a change that changed nothing). */
  async write(change: PartyChange, tx: EntityManager): Promise<void> {
    if (!change.changed) return;
    const record = change.toRecord(new Date());
    if (!change.deletesParty && !change.versionWritten) await this.parties.setVersion(record.party, record.version, tx);
    await this.events.insert(record, tx);
    this.transactions.afterCommit(tx, () => this.bus.publish({ kind: 'change', record }));
  }

  /**
   * A new party is version 1. It sends no event (SPEC §7), but it has its row like every version, one
   * with no events that moves the owner in: the owner's connected sockets follow the party from then
   * on, and a process that missed the publish finds it in the table like any other change.
   */
  async created(party: Party, tx: EntityManager): Promise<void> {
    const moves = party.ownerId === null ? [] : [{ player: party.ownerId, from: null, to: 'owner' as const }];
    const record: PartyChangeRecord = { party: party.id, version: party.version, at: party.createdAt.toISOString(), events: [], moves };
    await this.events.insert(record, tx);
    this.transactions.afterCommit(tx, () => this.bus.publish({ kind: 'change', record }));
  }

  /** Drops events past retention (the last 1,000 of each party, or 24 h, are always kept), in bounded batches. */
  @Interval(10 * 60 * 1000)
  async prune(): Promise<number> {
    const before = new Date(Date.now() - EVENTS_KEPT_MS);
    const pruned = await purgeInBatches((limit) => this.transactions.run((tx) => this.events.prune(before, limit, tx)));
    if (pruned > 0) this.logger.log(`pruned ${pruned} party events past retention`);
    return pruned;
  }
}
