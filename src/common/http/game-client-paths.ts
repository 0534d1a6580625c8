import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';

const GAME_PREFIX = /^\/game\/([^/?#]+)(.*)$/s;

/**
 * The official DynamicPixels SDKs call `https://<host>/game/{clientId}/<path>` (SPEC §1): every route
 * is also served under that prefix, by stripping it before routing. With `clientId` set (GAME_CLIENT_ID),
 * any other client id is 404 NOT_FOUND; unset, any is accepted.
 */
export function gameClientPaths(clientId: string | null) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const match = GAME_PREFIX.exec(req.url);
    if (!match) return next();
    const [, givenId, rest] = match;
    if (clientId !== null && safeDecode(givenId) !== clientId) return next(new DomainError(ErrorCode.NOT_FOUND, 'no such route: unknown game client id'));
    req.url = rest.startsWith('/') ? rest : `/${rest}`;
    next();
  };
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
