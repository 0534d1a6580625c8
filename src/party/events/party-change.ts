import { Membership } from '../entities/membership.entity';
import { Party } from '../entities/party.entity';
import { toMembershipView, toPartyView } from '../party.views';
import { EVENT_TYPES, Move, PartyChangeRecord, PartyEvent, PartyEventType, Position, positionOf } from './party-event';

/** `by` in events: the acting player, or 0 for the trusted server. */
export type Actor = number;

/**
 * The events of one change to one locked party, collected while the change is made. The first event
 * raises the party's version (in memory: what the answer shows; PartyChangeLog writes it with the
 * event row), so a write that changes nothing has no event and keeps its version.
 */
export class PartyChange {
  private readonly events: PartyEvent[] = [];
  private readonly moves: Move[] = [];
  private partyUpdated = false;
  private readonly versionBefore: number;

  constructor(readonly party: Party) {
    this.versionBefore = party.version;
  }

  /** The version this change gets if it changes anything. */
  get nextVersion(): number {
    return this.versionBefore + 1;
  }

  /** A statement of the change already wrote nextVersion to the party row (the seat UPDATE), so PartyChangeLog need not. */
  versionWritten = false;

  get changed(): boolean {
    return this.events.length > 0 || this.partyUpdated;
  }

  /** The party's own fields changed; the event carries the party as it is once the change is done. */
  updated(): void {
    this.bump();
    this.partyUpdated = true;
  }

  /** `party.deleted`, carrying the party as it was; everyone still in it (accepted or waiting) moves out. */
  deleted(remaining: Membership[]): void {
    const asItWas = { ...toPartyView(this.party), version: this.versionBefore };
    const moves = remaining.map((membership) => ({ player: membership.playerId, from: positionOf(membership), to: null }));
    this.add('party.deleted', { party: asItWas }, moves);
  }

  /** A membership event: `membership` as it is after the change (or as it was, when removed), and where its player moved. */
  membership(type: PartyEventType, membership: Membership, from: Position, to: Position, extra: Record<string, unknown> = {}): void {
    this.add(type, { membership: toMembershipView(membership), ...extra }, from === to ? [] : [{ player: membership.playerId, from, to }]);
  }

  /** `member.banned` of a player with or without a membership (which the ban removed). */
  banned(playerId: number, membership: Membership | null, by: Actor): void {
    const moves = membership ? [{ player: playerId, from: positionOf(membership), to: null }] : [];
    this.add('member.banned', { player: playerId, membership: membership ? toMembershipView(membership) : null, by }, moves);
  }

  banLifted(playerId: number, by: Actor): void {
    this.add('ban.lifted', { player: playerId, by });
  }

  /** `owner.changed`: the heir becomes the owner; the previous owner, if still a member, a plain member. */
  ownerChanged(heir: Membership, heirWas: Position, previous: number | null, previousStays: boolean): void {
    const moves: Move[] = [{ player: heir.playerId, from: heirWas, to: 'owner' }];
    if (previous !== null && previousStays) moves.push({ player: previous, from: 'owner', to: 'member' });
    this.add('owner.changed', { owner: heir.playerId, previous: previous ?? 0 }, moves);
  }

  /** The committed form: events in SPEC §7's order, `party.updated` carrying the party as it now is. */
  toRecord(at: Date): PartyChangeRecord {
    const events = this.partyUpdated ? [{ type: 'party.updated' as const, data: { party: toPartyView(this.party) } }, ...this.events] : [...this.events];
    events.sort((a, b) => EVENT_TYPES.indexOf(a.type) - EVENT_TYPES.indexOf(b.type));
    return { party: this.party.id, version: this.party.version, at: at.toISOString(), events, moves: [...this.moves] };
  }

  get deletesParty(): boolean {
    return this.events.some((event) => event.type === 'party.deleted');
  }

  private add(type: PartyEventType, data: Record<string, unknown>, moves: Move[] = []): void {
    this.bump();
    this.events.push({ type, data });
    this.moves.push(...moves);
  }

  private bump(): void {
    if (!this.changed) this.party.version = this.versionBefore + 1;
  }
}
