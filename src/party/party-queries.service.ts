import { Injectable } from '@nestjs/common';
import { Caller } from '../auth/caller';
import { Row } from '../common/openapi/envelopes';
import { Page, PageQuery, SearchQuery } from '../common/validation/pagination';
import { Party } from './entities/party.entity';
import { assertCanManage, requirePlayer, standingOf } from './party.access';
import { partyNotFound } from './party.errors';
import { BanView, MembershipView, MemberView, PartyView, toBanView, toMembershipView, toMemberView, toPartyView } from './party.views';
import { MembershipRepository } from './repositories/membership.repository';
import { PartyBanRepository } from './repositories/party-ban.repository';
import { PartySearchRepository } from './repositories/party-search.repository';
import { PartyRepository } from './repositories/party.repository';
import { searchTerm } from './search/search-text';
import { EventBus } from '../realtime/event-bus';

const pageOf = <T, V>(page: Page<T>, view: (item: T) => V): Page<V> => ({ list: page.list.map(view), totalCount: page.totalCount });

/** At most this old, a list's count is reused (it is also dropped whenever a party is created, edited or deleted). */
const COUNT_REUSE_MS = 2_000;
/** Distinct queries whose counts a process keeps; past that, the oldest goes. */
const COUNTS_KEPT = 256;

/** Reads: single statements, no locks. */
@Injectable()
export class PartyQueries {
  /**
   * A list's totalCount counts every match (all 100,000 parties with no query, a third of them for a
   * common word: milliseconds each, for every list request at once), so each process reuses a count,
   * per folded query, until a party is created, edited or deleted anywhere (the event bus says so
   * after the COMMIT) or COUNT_REUSE_MS pass; never while the bus may lose messages.
   */
  private readonly counts = new Map<string, { generation: number; at: number; value: Promise<number> }>();
  private generation = 0;

  constructor(
    private readonly parties: PartyRepository,
    private readonly searchIndex: PartySearchRepository,
    private readonly memberships: MembershipRepository,
    private readonly partyBans: PartyBanRepository,
    private readonly bus: EventBus,
  ) {
    bus.onMessage((message) => {
      if (message.kind !== 'change') return;
      const { version, events } = message.record;
      if (version === 1 || events.some((event) => event.type === 'party.deleted' || event.type === 'party.updated')) this.generation++;
    });
  }

  async get(partyId: number): Promise<Row<PartyView>> {
    return { row: toPartyView(await this.existing(partyId)) };
  }

  /** Newest first; `query` is a case-insensitive substring of the name or description. */
  async search(search: SearchQuery): Promise<Page<PartyView>> {
    const term = searchTerm(search.query);
    if (term === null) return { list: [], totalCount: 0 };
    const [list, totalCount] = await Promise.all([this.searchIndex.search({ ...search, term }), this.count(term)]);
    return { list: list.map(toPartyView), totalCount };
  }

  /** Keyed by the folded term: "Raid" and "raid" are one search. */
  private count(term: string): Promise<number> {
    const cached = this.counts.get(term);
    if (cached && this.bus.reliable && cached.generation === this.generation && Date.now() - cached.at < COUNT_REUSE_MS) return cached.value;
    const value = this.searchIndex.count(term);
    const entry = { generation: this.generation, at: Date.now(), value };
    this.counts.delete(term); // re-inserted last: the Map's order is the eviction order
    this.counts.set(term, entry);
    if (this.counts.size > COUNTS_KEPT) this.counts.delete(this.counts.keys().next().value!);
    value.catch(() => {
      if (this.counts.get(term) === entry) this.counts.delete(term);
    });
    return value;
  }

  /** Parties where the player's membership is accepted. */
  async mine(caller: Caller, search: SearchQuery): Promise<Page<PartyView>> {
    const playerId = requirePlayer(caller);
    const term = searchTerm(search.query);
    if (term === null) return { list: [], totalCount: 0 };
    return pageOf(await this.searchIndex.searchMine(playerId, { ...search, term }), toPartyView);
  }

  /** Accepted members: the owner first, then by who joined first. */
  async members(partyId: number, { skip, limit }: PageQuery): Promise<Page<MemberView>> {
    const [party, list] = await Promise.all([this.existing(partyId), this.memberships.acceptedPage(partyId, skip, limit)]);
    // member_count is kept equal to the accepted rows in the same transactions, so no COUNT is needed.
    return { list: list.map(toMemberView), totalCount: party.memberCount };
  }

  /** Join requests, oldest first: for the owner, admins and the trusted server. */
  async waiting(caller: Caller, partyId: number, { skip, limit }: PageQuery): Promise<Page<MembershipView>> {
    await this.assertManages(caller, partyId);
    return pageOf(await this.memberships.waitingPage(partyId, skip, limit), toMembershipView);
  }

  /** Players banned from the party, oldest ban first: for the owner, admins and the trusted server. */
  async bans(caller: Caller, partyId: number, { skip, limit }: PageQuery): Promise<Page<BanView>> {
    await this.assertManages(caller, partyId);
    return pageOf(await this.partyBans.page(partyId, skip, limit), toBanView);
  }

  private async existing(partyId: number): Promise<Party> {
    const party = await this.parties.find(partyId);
    if (!party) throw partyNotFound(partyId);
    return party;
  }

  /** The party exists (404 first) and the caller is its owner, an admin or the trusted server. */
  private async assertManages(caller: Caller, partyId: number): Promise<void> {
    await this.existing(partyId);
    const membership = caller.kind === 'player' ? await this.memberships.findCommitted(partyId, caller.playerId) : null;
    assertCanManage(standingOf(caller, membership));
  }
}
