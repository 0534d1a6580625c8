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
import { PartyRepository } from './repositories/party.repository';
import { EventBus } from '../realtime/event-bus';

const pageOf = <T, V>(page: Page<T>, view: (item: T) => V): Page<V> => ({ list: page.list.map(view), totalCount: page.totalCount });

/** At most this old, a count of all parties is reused (it is also dropped whenever a party is created or deleted). */
const ALL_PARTIES_COUNT_MS = 2_000;

/** Reads: single statements, no locks. */
@Injectable()
export class PartyQueries {
  /**
   * The unfiltered list's totalCount counts every party (100,000 rows: milliseconds each, for every
   * list request at once), so each process reuses one count until a party is created or deleted
   * anywhere (the event bus says so after the COMMIT) or ALL_PARTIES_COUNT_MS pass.
   */
  private allPartiesCount: { generation: number; at: number; value: Promise<number> } | null = null;
  private generation = 0;

  constructor(
    private readonly parties: PartyRepository,
    private readonly memberships: MembershipRepository,
    private readonly partyBans: PartyBanRepository,
    private readonly bus: EventBus,
  ) {
    bus.onMessage((message) => {
      if (message.kind === 'change' && (message.record.version === 1 || message.record.events.some((event) => event.type === 'party.deleted'))) {
        this.generation++;
      }
    });
  }

  async get(partyId: number): Promise<Row<PartyView>> {
    return { row: toPartyView(await this.existing(partyId)) };
  }

  /** Newest first; `query` is a case-insensitive substring of the name or description. */
  async search(search: SearchQuery): Promise<Page<PartyView>> {
    const [list, totalCount] = await Promise.all([this.parties.search(search), search.query ? this.parties.countMatching(search.query) : this.countAll()]);
    return { list: list.map(toPartyView), totalCount };
  }

  private countAll(): Promise<number> {
    const cached = this.allPartiesCount;
    if (cached && this.bus.reliable && cached.generation === this.generation && Date.now() - cached.at < ALL_PARTIES_COUNT_MS) return cached.value;
    const value = this.parties.countMatching('');
    const entry = { generation: this.generation, at: Date.now(), value };
    this.allPartiesCount = entry;
    value.catch(() => {
      if (this.allPartiesCount === entry) this.allPartiesCount = null;
    });
    return value;
  }

  /** Parties where the player's membership is accepted. */
  async mine(caller: Caller, search: SearchQuery): Promise<Page<PartyView>> {
    return pageOf(await this.parties.searchMine(requirePlayer(caller), search), toPartyView);
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
