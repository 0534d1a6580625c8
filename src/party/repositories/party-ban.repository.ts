import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page } from '../../common/validation/pagination';
import { PartyBan } from '../entities/party-ban.entity';

/** Every statement about the `party_ban` table. Methods that take `tx` run inside the caller's transaction. */
@Injectable()
export class PartyBanRepository {
  constructor(@InjectRepository(PartyBan) private readonly bans: Repository<PartyBan>) {}

  find(partyId: number, playerId: number, tx: EntityManager): Promise<PartyBan | null> {
    return tx.findOneBy(PartyBan, { partyId, playerId });
  }

  async insert(ban: PartyBan, tx: EntityManager): Promise<void> {
    await tx.insert(PartyBan, ban);
  }

  /** Lifts a ban; 0 when there was none. */
  async delete(partyId: number, playerId: number, tx: EntityManager): Promise<number> {
    const result = await tx.delete(PartyBan, { partyId, playerId });
    return result.affected ?? 0;
  }

  async deleteAllOf(partyId: number, tx: EntityManager): Promise<void> {
    await tx.delete(PartyBan, { partyId });
  }

  /** Bans of one party, oldest first. */
  async page(partyId: number, skip: number, limit: number): Promise<Page<PartyBan>> {
    const [list, totalCount] = await this.bans.findAndCount({ where: { partyId }, order: { createdAt: 'ASC', playerId: 'ASC' }, skip, take: limit });
    return { list, totalCount };
  }
}
