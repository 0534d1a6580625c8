import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { dialectOf } from '../../database/dialect';
import { Move, PartyChangeRecord, PartyEvent } from '../events/party-event';

/** SPEC §7's retention: an event is kept while it is among the last 1,000 of its party, or younger than 24 hours. */
export const EVENTS_KEPT_PER_PARTY = 1000;
export const EVENTS_KEPT_MS = 24 * 3600 * 1000;

type EventRow = { party_id: number | string; version: number | string; events: string; moves: string; created_at: Date | string };

/** Every statement about the `party_event` table: one row per committed change, by (party, version). */
@Injectable()
export class PartyEventRepository {
  /** Written in the change's own transaction, so a committed change always has its row and a rolled-back one never does. */
  async insert(record: PartyChangeRecord, tx: EntityManager): Promise<void> {
    await tx.query('INSERT INTO party_event (party_id, version, events, moves, created_at) VALUES (?, ?, ?, ?, ?)', [
      record.party,
      record.version,
      JSON.stringify(record.events),
      JSON.stringify(record.moves),
      dialectOf(tx.connection.options).timestamp(new Date(record.at)),
    ]);
  }

  /**
   * The changes after version `after`, up to and including `upTo`, oldest first (fewer when some were
   * pruned); with `since`, only those recorded since then (what may still be on its way through the bus).
   */
  async range(manager: EntityManager, partyId: number, after: number, upTo: number, since?: Date): Promise<PartyChangeRecord[]> {
    const rows: EventRow[] = await manager.query(
      `SELECT party_id, version, events, moves, created_at FROM party_event WHERE party_id = ? AND version > ? AND version <= ?${since ? ' AND created_at >= ?' : ''} ORDER BY version`,
      since ? [partyId, after, upTo, dialectOf(manager.connection.options).timestamp(since)] : [partyId, after, upTo],
    );
    return rows.map(toRecord);
  }

  /** The party's current version: the party's own, or, for a deleted party, its last event's (its deletion); null when unknown. */
  async currentVersion(manager: EntityManager, partyId: number): Promise<number | null> {
    const [row]: { version: number | string | null }[] = await manager.query(
      'SELECT COALESCE((SELECT version FROM party WHERE id = ?), (SELECT MAX(version) FROM party_event WHERE party_id = ?)) AS version',
      [partyId, partyId],
    );
    return row?.version == null ? null : Number(row.version);
  }

  /** The parties changed since `since`, with the first and last version recorded since then. */
  async changedSince(manager: EntityManager, since: Date): Promise<{ party: number; first: number; last: number }[]> {
    const rows: { party_id: number | string; first: number | string; last: number | string }[] = await manager.query(
      'SELECT party_id, MIN(version) AS first, MAX(version) AS last FROM party_event WHERE created_at >= ? GROUP BY party_id',
      [dialectOf(manager.connection.options).timestamp(since)],
    );
    return rows.map((row) => ({ party: Number(row.party_id), first: Number(row.first), last: Number(row.last) }));
  }

  /**
   * Deletes up to `limit` events past retention: older than `before` and not among the last
   * EVENTS_KEPT_PER_PARTY of a party that still exists (a deleted party's events go once old).
   */
  async prune(before: Date, limit: number, manager: EntityManager): Promise<number> {
    const stale: { party_id: number | string; version: number | string }[] = await manager.query(
      'SELECT e.party_id, e.version FROM party_event e LEFT JOIN party p ON p.id = e.party_id ' +
        'WHERE e.created_at < ? AND (p.id IS NULL OR e.version <= p.version - ?) LIMIT ?',
      [dialectOf(manager.connection.options).timestamp(before), EVENTS_KEPT_PER_PARTY, limit],
    );
    if (stale.length === 0) return 0;
    await manager.query(
      `DELETE FROM party_event WHERE ${stale.map(() => '(party_id = ? AND version = ?)').join(' OR ')}`,
      stale.flatMap((row) => [row.party_id, row.version]),
    );
    return stale.length;
  }
}

function toRecord(row: EventRow): PartyChangeRecord {
  return {
    party: Number(row.party_id),
    version: Number(row.version),
    at: new Date(row.created_at).toISOString(),
    events: JSON.parse(row.events) as PartyEvent[],
    moves: JSON.parse(row.moves) as Move[],
  };
}
