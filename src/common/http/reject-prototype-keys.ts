import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { FORBIDDEN_MAP_KEYS } from '../validation/validators';

/**
 * Refuses JSON bodies with `__proto__`, `constructor` or `prototype` keys at any depth. Nest's
 * ValidationPipe would silently drop them; a client deserves to hear that the value was not stored.
 */
export function rejectPrototypeKeys(req: Request, _res: Response, next: NextFunction): void {
  const path = findForbiddenKey(req.body, '');
  next(path === null ? undefined : new DomainError(ErrorCode.VALIDATION_FAILED, `${path}: key not allowed`));
}

function findForbiddenKey(value: unknown, path: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (FORBIDDEN_MAP_KEYS.has(key)) return itemPath;
    const nested = findForbiddenKey(item, itemPath);
    if (nested !== null) return nested;
  }
  return null;
}
