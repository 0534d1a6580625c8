import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { RequestWithCaller } from '../auth/caller';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { currentRequestScope } from '../common/http/request-scope';
import { purgeInBatches } from '../common/purge';
import { IdempotencyRecord } from './idempotency-record.entity';
import { IdempotencyRepository } from './idempotency.repository';
import type { EntityManager } from 'typeorm';

/** SPEC §8: a key is kept 24 h. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;

/** A duplicate that arrived while the first was running: the first committed, so its answer is replayed. */
class KeyTakenMeanwhile extends Error {}

/**
 * Idempotency-Key on writes (SPEC §8). A key is stored with its caller, a fingerprint of the request
 * (method, path with query, body) and the first answer, inside the write's own transaction: the claim
 * is the transaction's first write, and the answer its last. So a retry replays the first answer; a
 * duplicate sent while the first runs waits on the claim's key lock and then replays (or, if the first
 * failed and rolled back, does the work itself); the work is never done twice. Errors are not stored:
 * an error wrote nothing, so its retry is a fresh attempt.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly records: IdempotencyRepository) {}

  async handle(request: Request & RequestWithCaller, rawKey: string | string[], run: () => Promise<unknown>): Promise<unknown> {
    const key = validKey(rawKey);
    const scope = scopeOf(request);
    const fingerprint = fingerprintOf(request);
    const cutoff = () => new Date(Date.now() - IDEMPOTENCY_RETENTION_MS);
    const stored = await this.records.findLive(scope, key, cutoff());
    if (stored) return replay(stored, fingerprint);

    const requestScope = currentRequestScope();
    if (!requestScope) return run();
    requestScope.hooks = {
      begin: async (tx) => {
        const claim = { scope, key, fingerprint, status: 0, response: '', createdAt: new Date() };
        if (!(await this.records.claim(claim, cutoff(), tx as EntityManager))) throw new KeyTakenMeanwhile();
      },
      beforeCommit: (tx, result) => this.records.saveAnswer(scope, key, 200, JSON.stringify(result), tx as EntityManager),
    };
    try {
      const answer = await run();
      if (requestScope.hooks) this.logger.warn(`${request.method} ${request.url} ran no unit of work: its Idempotency-Key was not recorded`);
      return answer;
    } catch (error) {
      // A duplicate that ran alongside the first can fail on what the first did (ALREADY_MEMBER after
      // its join committed) as well as on the claim itself: either way, the first's answer is the answer.
      const first = await this.records.findLive(scope, key, cutoff());
      if (first) return replay(first, fingerprint);
      if (error instanceof KeyTakenMeanwhile) throw reused('a request with this Idempotency-Key was running; retry');
      throw error;
    }
  }

  /** Forgets keys older than 24 h, in bounded batches. */
  @Interval(10 * 60 * 1000)
  async purgeExpired(): Promise<number> {
    return purgeInBatches((limit) => this.records.purge(new Date(Date.now() - IDEMPOTENCY_RETENTION_MS), limit));
  }
}

function validKey(raw: string | string[]): string {
  if (typeof raw !== 'string' || [...raw].length < 1 || [...raw].length > 128) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key must be one header of 1..128 characters');
  }
  return raw;
}

/** Keys belong to the caller: a player, the trusted server, or (guest sign-in) the client's address. */
function scopeOf(request: Request & RequestWithCaller): string {
  const caller = request.caller;
  if (caller?.kind === 'player') return `player:${caller.playerId}`;
  if (caller?.kind === 'server') return 'server';
  return `guest:${request.ip ?? 'unknown'}`;
}

function fingerprintOf(request: Request): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

function replay(record: IdempotencyRecord, fingerprint: string): unknown {
  if (record.fingerprint !== fingerprint) throw reused('this Idempotency-Key was used for a different request (method, path or body)');
  return JSON.parse(record.response) as unknown;
}

function reused(why: string): DomainError {
  return new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, why);
}
