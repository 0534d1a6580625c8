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
  findLive(scope: string, keyHash: string, since: Date): Promise<IdempotencyRecord | null> {
    return this.records.findOneBy({ scope, keyHash, createdAt: MoreThan(since) });
  }

  /**
   * Claims a key inside the caller's transaction, as its first write: the row's key lock makes a
   * concurrent duplicate wait until this transaction ends. False when the key is already taken
   * (committed by a request that came first). An expired record of the key is replaced.
   */
  async claim(record: IdempotencyRecord, expiredBefore: Date, tx: EntityManager): Promise<boolean> {
    await tx.delete(IdempotencyRecord, { scope: record.scope, keyHash: record.keyHash, createdAt: LessThan(expiredBefore) });
    try {
      await tx.insert(IdempotencyRecord, record);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async saveAnswer(scope: string, keyHash: string, response: string, tx: EntityManager): Promise<void> {
    await tx.update(IdempotencyRecord, { scope, keyHash }, { response });
  }

  /** Deletes up to `limit` records created before `before`; how many it deleted. */
  async purge(before: Date, limit: number): Promise<number> {
    const stale = await this.records.find({ select: { scope: true, keyHash: true }, where: { createdAt: LessThan(before) }, take: limit });
    if (stale.length === 0) return 0;
    // Deleted by primary key, in one statement per scope so the IN list stays on the index.
    const byScope = new Map<string, string[]>();
    for (const { scope, keyHash } of stale) byScope.set(scope, [...(byScope.get(scope) ?? []), keyHash]);
    for (const [scope, keyHashes] of byScope) await this.records.delete({ scope, keyHash: In(keyHashes) });
    return stale.length;
  }
}
