import { ErrorCode } from './error-code';

/**
 * The one error type services throw. It carries a stable code; the HTTP status is derived from the
 * code in one place (ERROR_STATUS), so services never speak HTTP.
 */
export class DomainError extends Error {
  /** Extra response headers, e.g. Retry-After on RATE_LIMITED. */
  readonly headers: Record<string, string>;
  /** The body's `msg`, when it must differ from what the code's SDK string (or else `message`) would give. */
  readonly msg?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { headers?: Record<string, string>; msg?: string } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.headers = options.headers ?? {};
    this.msg = options.msg;
  }
}
