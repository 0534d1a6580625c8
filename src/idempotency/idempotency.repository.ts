import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, LessThan, MoreThan, Repository } from 'typeorm';
import { isDuplicateKey } from '../database/dialect';
import { IdempotencyRecord } from './idempotency-record.entity';

/** Every statement about the `idempotency_record` table. */
@Injectable()
export class IdempotencyRepository {
  constructor(@InjectRepository(IdempotencyRecord) private readonly records: Repository<IdempotencyRecord>) {}

  /** The live record of a key (created after `since`), a plain read of committed data. */
  findLive(scope: string, key: string, since: Date): Promise<IdempotencyRecord | null> {
    return this.records.findOneBy({ scope, key, createdAt: MoreThan(since) });
  }

  /**
   * Claims a key inside the caller's transaction, as its first write: the row's key lock makes a
   * concurrent duplicate wait until this transaction ends. False when the key is already taken
   * (committed by a request that came first). An expired record of the key is replaced.
   */
  async claim(record: IdempotencyRecord, expiredBefore: Date, tx: EntityManager): Promise<boolean> {
    await tx.delete(IdempotencyRecord, { scope: record.scope, key: record.key, createdAt: LessThan(expiredBefore) });
    try {
      await tx.insert(IdempotencyRecord, record);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async saveAnswer(scope: string, key: string, status: number, response: string, tx: EntityManager): Promise<void> {
    await tx.update(IdempotencyRecord, { scope, key }, { status, response });
  }

  /** Deletes up to `limit` records created before `before`; how many it deleted. */
  async purge(before: Date, limit: number): Promise<number> {
    const stale = await this.records.find({ select: { scope: true, key: true }, where: { createdAt: LessThan(before) }, take: limit });
    if (stale.length === 0) return 0;
    // Deleted by primary key, in one statement per scope so the IN list stays on the index.
    const byScope = new Map<string, string[]>();
    for (const { scope, key } of stale) byScope.set(scope, [...(byScope.get(scope) ?? []), key]);
    for (const [scope, keys] of byScope) await this.records.delete({ scope, key: In(keys) });
    return stale.length;
  }
}
