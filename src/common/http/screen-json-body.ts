import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { FORBIDDEN_MAP_KEYS } from '../validation/validators';

/** No request body of this API nests deeper than a few levels; far deeper is an attack on the parsers after this one. */
export const MAX_BODY_DEPTH = 32;

/** A UTF-16 surrogate that is not half of a pair: JSON allows it ("\ud800"), Unicode text does not. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Checks a parsed JSON body before anything reads it, and refuses with 400:
 * - `__proto__`, `constructor` or `prototype` keys at any depth (Nest's ValidationPipe would silently
 *   drop them; a client deserves to hear that the value was not stored);
 * - strings (keys or values) with a lone UTF-16 surrogate, which MySQL would store altered (SPEC §4);
 * - bodies nested deeper than MAX_BODY_DEPTH.
 */
export function screenJsonBody(req: Request, _res: Response, next: NextFunction): void {
  try {
    next(findProblem(req.body));
  } catch (error) {
    next(error);
  }
}

/** Walks the body without recursion, so no nesting can overflow the stack. */
function findProblem(body: unknown): DomainError | undefined {
  const pending = [{ value: body, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) return invalidText(path || 'body');
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) return new DomainError(ErrorCode.VALIDATION_FAILED, `request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      if (FORBIDDEN_MAP_KEYS.has(key)) return new DomainError(ErrorCode.VALIDATION_FAILED, `${itemPath}: key not allowed`);
      if (LONE_SURROGATE.test(key)) return invalidText(`key of ${path || 'body'}`);
      pending.push({ value: item, path: itemPath, depth: depth + 1 });
    }
  }
  return undefined;
}

function invalidText(where: string): DomainError {
  return new DomainError(ErrorCode.VALIDATION_FAILED, `${where}: not valid Unicode text (a lone UTF-16 surrogate)`);
}
