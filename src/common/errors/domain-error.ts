import { ErrorCode } from './error-code';

/**
 * The one error type services throw. It carries a stable code; the HTTP status is derived from the
 * code in one place (ERROR_STATUS), so services never speak HTTP.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. Retry-After on RATE_LIMITED. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
