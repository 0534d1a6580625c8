import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { RequestWithCaller } from '../auth/caller';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { RequestScope } from '../common/http/request-scope';
import { purgeInBatches } from '../common/purge';
import { IdempotencyRecord } from './idempotency-record.entity';
import { IdempotencyRepository } from './idempotency.repository';
import { sha256Hex } from '../common/hashing';
import { open, seal } from './sealed-answer';

/** SPEC §8: a key is kept 24 h. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;

/** A duplicate that arrived while the first was running: the first committed, so its answer is replayed. */
class KeyTakenMeanwhile extends Error {}

/** One write sent with an Idempotency-Key. */
export interface IdempotentWrite {
  key: string;
  /** Whose key it is: `player:<id>`, `server`, or `guest:<address>` for guest sign-in. */
  scope: string;
  /** SHA-256 of method, path with query, and body: a retry must send the same request. */
  fingerprint: string;
}

/**
 * Idempotency-Key on writes (SPEC §8). A key is stored (as a hash) with its caller, a fingerprint of the
 * request and the first answer (sealed, see sealed-answer.ts), inside the write's own transaction: the
 * claim is the transaction's first write, and the answer its last. So a retry replays the first answer;
 * a duplicate sent while the first runs waits on the claim's key lock and then replays (or, if the first
 * failed and rolled back, does the work itself); the work is never done twice. Errors are not stored:
 * an error wrote nothing, so its retry is a fresh attempt.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly records: IdempotencyRepository) {}

  /** Runs `run` (the route's handler, whose unit of work's result is its answer) at most once per key. */
  async handle(write: IdempotentWrite, scope: RequestScope, run: () => Promise<unknown>): Promise<unknown> {
    const keyHash = sha256Hex(write.key);
    const cutoff = () => new Date(Date.now() - IDEMPOTENCY_RETENTION_MS);
    const stored = await this.records.findLive(write.scope, keyHash, cutoff());
    if (stored) return replay(stored, write);

    scope.hooks = {
      begin: async (tx) => {
        const claim = { scope: write.scope, keyHash, fingerprint: write.fingerprint, response: '', createdAt: new Date() };
        if (!(await this.records.claim(claim, cutoff(), tx as EntityManager))) throw new KeyTakenMeanwhile();
      },
      beforeCommit: (tx, answer) => this.records.saveAnswer(write.scope, keyHash, seal(answer, write.key, write.scope), tx as EntityManager),
    };
    try {
      const answer = await run();
      if (scope.hooks) this.logger.warn(`a write ran no unit of work: its Idempotency-Key was not recorded`);
      return answer;
    } catch (error) {
      // A duplicate that ran alongside the first can fail on what the first did (ALREADY_MEMBER after its
      // join committed) as well as on the claim; a COMMIT whose outcome was lost may have committed: in
      // every case, an answer on record is the answer.
      const first = await this.records.findLive(write.scope, keyHash, cutoff());
      if (first?.response) return replay(first, write);
      if (error instanceof KeyTakenMeanwhile) throw reused('a request with this Idempotency-Key was running; retry');
      throw error;
    }
  }

  /** Forgets keys older than 24 h, in bounded batches. */
  @Interval(10 * 60 * 1000)
  purgeExpired(): Promise<number> {
    return purgeInBatches((limit) => this.records.purge(new Date(Date.now() - IDEMPOTENCY_RETENTION_MS), limit));
  }
}

/** The write a request makes, or 400 for a malformed key. */
export function idempotentWrite(request: Request & RequestWithCaller, rawKey: string | string[]): IdempotentWrite {
  if (typeof rawKey !== 'string' || [...rawKey].length < 1 || [...rawKey].length > 128) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key must be one header of 1..128 characters');
  }
  const caller = request.caller;
  const scope = caller?.kind === 'player' ? `player:${caller.playerId}` : caller?.kind === 'server' ? 'server' : `guest:${request.ip ?? 'unknown'}`;
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
  return { key: rawKey, scope, fingerprint };
}

function replay(record: IdempotencyRecord, write: IdempotentWrite): unknown {
  if (record.fingerprint !== write.fingerprint) throw reused('this Idempotency-Key was used for a different request (method, path or body)');
  return open(record.response, write.key, write.scope);
}

function reused(why: string): DomainError {
  return new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, why);
}
