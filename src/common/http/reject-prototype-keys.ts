import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { FORBIDDEN_MAP_KEYS } from '../validation/validators';

/** No request body of this API nests deeper than a few levels; far deeper is an attack on the parsers after this one. */
export const MAX_BODY_DEPTH = 32;

/**
 * Refuses JSON bodies with `__proto__`, `constructor` or `prototype` keys at any depth (Nest's
 * ValidationPipe would silently drop them; a client deserves to hear that the value was not stored),
 * and bodies nested deeper than MAX_BODY_DEPTH.
 */
export function rejectPrototypeKeys(req: Request, _res: Response, next: NextFunction): void {
  try {
    const path = findForbiddenKey(req.body);
    next(path === null ? undefined : new DomainError(ErrorCode.VALIDATION_FAILED, `${path}: key not allowed`));
  } catch (error) {
    next(error);
  }
}

/** Walks the body without recursion, so no nesting can overflow the stack. */
function findForbiddenKey(body: unknown): string | null {
  const pending = [{ value: body, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) throw new DomainError(ErrorCode.VALIDATION_FAILED, `request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      if (FORBIDDEN_MAP_KEYS.has(key)) return itemPath;
      pending.push({ value: item, path: itemPath, depth: depth + 1 });
    }
  }
  return null;
}
