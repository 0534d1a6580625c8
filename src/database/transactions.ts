import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isRetryableLockConflict } from '../common/errors/database-errors';
import { dialectOf } from './dialect';

const MAX_ATTEMPTS = 4;

/**
 * Runs a unit of work in one transaction.
 *
 * MySQL: READ COMMITTED, because writers first lock the party row and must then see what the
 * previous lock holder committed; a deadlock or lock-wait timeout rolls back and is retried a bounded
 * number of times. Embedded sql.js has one connection in one process, so units of work take turns.
 */
@Injectable()
export class Transactions {
  private readonly logger = new Logger(Transactions.name);
  private readonly embedded: boolean;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.embedded = dialectOf(dataSource.options).embedded;
  }

  run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.embedded ? this.serialized(() => this.dataSource.transaction(work)) : this.withRetry(work);
  }

  private async withRetry<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', work);
      } catch (error) {
        if (!isRetryableLockConflict(error) || attempt === MAX_ATTEMPTS) throw error;
        this.logger.warn(`lock conflict, retrying (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
