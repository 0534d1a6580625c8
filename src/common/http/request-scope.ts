import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { UNAVAILABLE_CAUSE } from '../errors/error-response';

/** What a request's unit of work does at its start and just before its COMMIT (e.g. claim and record an Idempotency-Key). */
export interface UnitOfWorkHooks<Tx = unknown> {
  begin(tx: Tx): Promise<void>;
  beforeCommit(tx: Tx, result: unknown): Promise<void>;
}

type Stage = 'open' | 'committing' | 'committed' | 'answered-early';

/**
 * One request, from its first middleware to its answer, and the promise SPEC §8 makes about it: an
 * error answer means nothing was written. The request deadline may answer only while the unit of work
 * can still be rolled back (and it then will be); once COMMIT is under way, or done, the answer is the
 * COMMIT's outcome, however late.
 */
export class RequestScope {
  private stage: Stage = 'open';
  /** Hooks the request's (single) unit of work runs; consumed by its COMMIT. */
  hooks: UnitOfWorkHooks | null = null;

  constructor(readonly request: Request) {}

  /** The deadline passed: answer now unless COMMIT is under way or done. True when it answered. */
  tryAnswerEarly(): boolean {
    if (this.stage !== 'open') return false;
    this.stage = 'answered-early';
    return true;
  }

  /** The client already has an answer (the deadline's 503): nothing may be written any more. */
  assertNotAnswered(): void {
    if (this.stage === 'answered-early') throw new RequestAnsweredEarly();
  }

  /** Called right before COMMIT; throws (so the unit of work rolls back) when the deadline already answered. */
  beginCommit(): void {
    this.assertNotAnswered();
    this.stage = 'committing';
  }

  /**
   * After a COMMIT, whatever its outcome: the deadline never answers from then on (a COMMIT that got no
   * answer may have committed, and is answered as such, see CommitOutcomeUnknown).
   */
  commitEnded(committed: boolean): void {
    this.stage = 'committed';
    if (committed) this.hooks = null;
  }
}

/** The unit of work of a request that was already answered 503 by its deadline: rolled back, its outcome goes nowhere. */
export class RequestAnsweredEarly extends Error {
  constructor() {
    super('the request deadline answered before COMMIT; rolled back');
  }
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** The scope of the request being served, if any (none in start-up work or timers). */
export function currentRequestScope(): RequestScope | undefined {
  return scopes.getStore();
}

/** A request as requestDeadline leaves it: with its scope. */
export type RequestWithScope = Request & { scope?: RequestScope };

/**
 * First middleware: starts the request's scope and its deadline. At `ms` the request is answered
 * 503 SERVICE_UNAVAILABLE, wherever it waits (for the database pool, for a frozen server, behind a row
 * lock), unless its COMMIT is under way.
 */
export function requestDeadline(ms: number, answer: (res: Response, error: unknown) => void) {
  return (req: RequestWithScope, res: Response, next: NextFunction): void => {
    const scope = new RequestScope(req);
    req.scope = scope;
    const timer = setTimeout(() => {
      if (!scope.tryAnswerEarly()) return;
      res.locals[UNAVAILABLE_CAUSE] = 'deadline';
      answer(res, new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `the request did not complete within ${ms} ms; nothing was written; try again`));
    }, ms);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

/**
 * After the body parsers (whose stream callbacks would lose it): the rest of the request runs inside
 * its scope, so the unit of work can find it.
 */
export function enterRequestScope(req: RequestWithScope, _res: Response, next: NextFunction): void {
  if (req.scope) scopes.run(req.scope, next);
  else next();
}
