import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { sendError } from '../errors/all-exceptions.filter';

/**
 * Answers 503 when a request is not done within `ms`, wherever it waits: for the database pool, for a
 * frozen server, behind a row lock. The statement timeouts still make a stuck transaction roll back
 * once the database answers again; its late result is then dropped (see sendError).
 */
export function requestDeadline(ms: number) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const timer = setTimeout(() => {
      sendError(res, new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `the request did not complete within ${ms} ms; try again`));
    }, ms);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
