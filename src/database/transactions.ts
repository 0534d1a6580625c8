import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { lockConflictRetries } from '../observability/metrics';
import { CommitOutcomeUnknown } from './commit-outcome';
import { dialectOf, isRetryableLockConflict } from './dialect';
import { currentRequestScope, RequestScope } from '../common/http/request-scope';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

const MAX_ATTEMPTS = 4;

type Work<T> = (tx: EntityManager) => Promise<T>;

/**
 * Runs a unit of work in one transaction, and keeps SPEC §8's promise about it: a request answered
 * with an error wrote nothing. Inside a request, the request's deadline can answer only until COMMIT
 * starts (the unit of work then rolls back instead of committing); the request's hooks (an
 * Idempotency-Key's claim and record) run inside the same transaction.
 *
 * MySQL: READ COMMITTED, because writers first lock the party row and must then see what the
 * previous lock holder committed; a deadlock or lock-wait timeout rolls back and is retried a bounded
 * number of times. Embedded sql.js has one connection in one process, so units of work take turns.
 */
@Injectable()
export class Transactions implements OnModuleInit {
  private readonly logger = new Logger(Transactions.name);
  private readonly embedded: boolean;
  private queue: Promise<unknown> = Promise.resolve();
  /** Run once on each connection before its first transaction; null when the server has no such setting. */
  private sessionSetup: string | null = null;
  private readonly preparedConnections = new WeakSet<object>();
  /** What each open unit of work asked to run once it has committed (see afterCommit). */
  private readonly committedCallbacks = new WeakMap<EntityManager, (() => void)[]>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.embedded = dialectOf(dataSource.options).embedded;
  }

  /**
   * A process stopped while holding a party's row lock (SIGSTOP, a VM pause) must not block that party
   * for everyone: on MariaDB, `idle_transaction_timeout` rolls back a transaction left idle for
   * DB_IDLE_TRANSACTION_TIMEOUT seconds and drops its connection. MySQL has no per-transaction setting
   * (the README says what to do there).
   */
  async onModuleInit(): Promise<void> {
    if (!('pool' in this.config.database)) return; // embedded: no server settings
    const [{ version }] = await this.dataSource.query<{ version: string }[]>('SELECT VERSION() AS version');
    if (/mariadb/i.test(version)) {
      this.sessionSetup = `SET SESSION idle_transaction_timeout = ${this.config.database.pool.idleTransactionTimeoutSeconds}`;
    } else {
      this.logger.warn(
        `${version} has no idle_transaction_timeout: a stalled process holds its locks until the connection drops (see README, "In production")`,
      );
    }
  }

  run<T>(work: Work<T>): Promise<T> {
    const scope = currentRequestScope();
    return this.embedded ? this.serialized(() => this.attempt(work, scope)) : this.withRetry(work, scope);
  }

  /**
   * Reads committed data outside any unit of work. On MySQL a plain pooled read; on sql.js, whose one
   * connection is shared, it waits for the open unit of work to end, so it never sees uncommitted rows.
   */
  read<T>(work: Work<T>): Promise<T> {
    return this.embedded ? this.serialized(() => work(this.dataSource.manager)) : work(this.dataSource.manager);
  }

  /**
   * Runs `callback` once the unit of work that `tx` belongs to has committed, and never if it rolls
   * back (or its COMMIT's outcome is unknown): the way to tell the world about a change (SPEC §7's
   * events are sent only after their change committed).
   */
  afterCommit(tx: EntityManager, callback: () => void): void {
    const callbacks = this.committedCallbacks.get(tx);
    if (!callbacks) throw new Error('afterCommit outside a unit of work');
    callbacks.push(callback);
  }

  private async withRetry<T>(work: Work<T>, scope: RequestScope | undefined): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(work, scope);
      } catch (error) {
        if (!isRetryableLockConflict(error) || attempt === MAX_ATTEMPTS) throw error;
        this.logger.warn(`lock conflict, retrying (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
        lockConflictRetries.inc();
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  private async attempt<T>(work: Work<T>, scope: RequestScope | undefined): Promise<T> {
    scope?.assertNotAnswered();
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await this.prepareSession(runner);
      scope?.assertNotAnswered(); // the wait for a connection may have outlived the deadline
      await runner.startTransaction(this.embedded ? undefined : 'READ COMMITTED');
      const committed: (() => void)[] = [];
      this.committedCallbacks.set(runner.manager, committed);
      const hooks = scope?.hooks;
      await hooks?.begin(runner.manager);
      const result = await work(runner.manager);
      await hooks?.beforeCommit(runner.manager, result);
      scope?.beginCommit();
      let done = false;
      try {
        await this.commit(runner);
        done = true;
      } catch (error) {
        throw new CommitOutcomeUnknown(error);
      } finally {
        scope?.commitEnded(done);
      }
      for (const callback of committed) this.runCommitted(callback);
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined); // a lost connection rolls back by itself
      throw error;
    } finally {
      await runner.release();
    }
  }

  private runCommitted(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.logger.error(`after-commit callback failed: ${String(error)}`);
    }
  }

  private async prepareSession(runner: QueryRunner): Promise<void> {
    const connection = rawConnection(runner);
    if (!this.sessionSetup || !connection || this.preparedConnections.has(connection)) return;
    await runner.query(this.sessionSetup);
    this.preparedConnections.add(connection);
  }

  /**
   * COMMIT without the statement timeout the other statements have: a timed-out COMMIT would be an
   * answer ("it failed") to a question whose real outcome may still be "it committed", and SPEC §8
   * has the request wait for that outcome. On MySQL it goes straight to the connection (TypeORM's
   * query runner applies the timeout to every statement).
   */
  private async commit(runner: QueryRunner): Promise<void> {
    const connection = rawConnection(runner);
    if (this.embedded || !connection) return runner.commitTransaction();
    await connection.promise().query('COMMIT');
    (runner as { isTransactionActive: boolean }).isTransactionActive = false;
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** mysql2's connection under TypeORM's query runner (undefined on sql.js). */
function rawConnection(runner: QueryRunner): MysqlConnection | undefined {
  return (runner as QueryRunner & { databaseConnection?: MysqlConnection }).databaseConnection;
}

interface MysqlConnection {
  promise(): { query(sql: string): Promise<unknown> };
}
