import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { Caller } from '../common/caller/caller';
import { Page, PageQuery, SearchQuery } from '../common/validation/pagination';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { PartyBan } from './entities/party-ban.entity';
import { Party } from './entities/party.entity';
import { assertCanManage, requirePlayer } from './party.access';
import { findParty, standingOf } from './party.store';
import { Player } from '../players/entities/player.entity';

/** Reads: single statements, no locks. */
@Injectable()
export class PartyQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(partyId: number): Promise<Party> {
    return findParty(this.dataSource.manager, partyId);
  }

  /** Newest first; `query` is a case-insensitive substring of the name or description. */
  search({ query, skip, limit }: SearchQuery): Promise<Page<Party>> {
    return this.page(this.matching(query), skip, limit);
  }

  /** Parties where the player's membership is accepted. */
  mine(caller: Caller, { query, skip, limit }: SearchQuery): Promise<Page<Party>> {
    const playerId = requirePlayer(caller);
    const parties = this.matching(query).innerJoin(
      Membership,
      'mine',
      'mine.party_id = party.id AND mine.player_id = :playerId AND mine.status = :accepted',
      { playerId, accepted: MembershipStatus.ACCEPTED },
    );
    return this.page(parties, skip, limit);
  }

  /** Accepted members: the owner first, then by who joined first. */
  async members(partyId: number, { skip, limit }: PageQuery): Promise<Page<Membership & { player: Player }>> {
    const [party, list] = await Promise.all([
      this.get(partyId),
      this.dataSource.manager
        .createQueryBuilder(Membership, 'm')
        .innerJoinAndSelect('m.player', 'player')
        .where('m.party_id = :partyId AND m.status = :accepted', { partyId, accepted: MembershipStatus.ACCEPTED })
        .orderBy('CASE WHEN m.role = :owner THEN 0 ELSE 1 END', 'ASC')
        .addOrderBy('m.id', 'ASC')
        .setParameter('owner', MemberRole.OWNER)
        .offset(skip)
        .limit(limit)
        .getMany(),
    ]);
    // member_count is kept equal to the accepted rows in the same transactions, so no COUNT is needed.
    return { list: list as (Membership & { player: Player })[], totalCount: party.memberCount };
  }

  /** Join requests, oldest first: for the owner, admins and the trusted server. */
  async waiting(caller: Caller, partyId: number, { skip, limit }: PageQuery): Promise<Page<Membership>> {
    await this.assertManages(caller, partyId);
    const [list, totalCount] = await this.dataSource.manager.findAndCount(Membership, {
      where: { partyId, status: MembershipStatus.WAITING },
      order: { id: 'ASC' },
      skip,
      take: limit,
    });
    return { list, totalCount };
  }

  /** Players banned from the party, oldest ban first: for the owner, admins and the trusted server. */
  async bans(caller: Caller, partyId: number, { skip, limit }: PageQuery): Promise<Page<PartyBan>> {
    await this.assertManages(caller, partyId);
    const [list, totalCount] = await this.dataSource.manager.findAndCount(PartyBan, {
      where: { partyId },
      order: { createdAt: 'ASC', playerId: 'ASC' },
      skip,
      take: limit,
    });
    return { list, totalCount };
  }

  /** The party exists (404 first) and the caller is its owner, an admin or the trusted server. */
  private async assertManages(caller: Caller, partyId: number): Promise<void> {
    await this.get(partyId);
    assertCanManage(await standingOf(this.dataSource.manager, caller, partyId));
  }

  private matching(query: string): SelectQueryBuilder<Party> {
    const parties = this.dataSource.manager.createQueryBuilder(Party, 'party');
    if (query) {
      // Lowercased by the database on both sides, so the two agree on what a lowercase letter is
      // (SQLite lowers only ASCII; lowering the query in JS would make "Äpfel" miss itself there).
      parties.where("(LOWER(party.name) LIKE LOWER(:pattern) ESCAPE '!' OR LOWER(party.description) LIKE LOWER(:pattern) ESCAPE '!')", {
        pattern: `%${escapeLike(query)}%`,
      });
    }
    return parties;
  }

  private async page(parties: SelectQueryBuilder<Party>, skip: number, limit: number): Promise<Page<Party>> {
    const [list, totalCount] = await parties.orderBy('party.id', 'DESC').offset(skip).limit(limit).getManyAndCount();
    return { list, totalCount };
  }
}

/** `%`, `_` (and the escape character itself) match only themselves; `\` is an ordinary character with ESCAPE '!'. */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (character) => `!${character}`);
}
