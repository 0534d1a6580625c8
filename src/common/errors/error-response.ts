import { HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DomainError } from './domain-error';
import { ERROR_STATUS, ErrorCode, SDK_MESSAGES } from './error-code';
import { isDatabaseUnavailable, isPoolExhausted, isRetryableLockConflict } from '../../database/dialect';
import { CommitOutcomeUnknown } from '../../database/commit-outcome';

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: ErrorCode;
  message: string;
  /** What the official SDKs read (SPEC §5). */
  msg: string;
  status: false;
}

export interface ErrorResponse {
  body: ErrorBody;
  headers: Record<string, string>;
  /** Why a 503 is answered (for the metrics): database, pool, lock_conflict. */
  cause?: string;
}

/** Where a 503's cause is left on the response (res.locals), for the metrics. */
export const UNAVAILABLE_CAUSE = 'unavailableCause';

const CODE_OF_HTTP_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.PERMISSION_DENIED,
  404: ErrorCode.NOT_FOUND,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

const logger = new Logger('Errors');

/**
 * Turns anything thrown while serving a request into the SPEC §5 body. Known errors keep their
 * message; anything unexpected is logged here and answered without detail, so neither a stack trace
 * nor SQL ever reaches a client.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof DomainError) return respond(error.code, error.message, error.headers, ERROR_STATUS[error.code], error.msg);
  if (isBodyParserError(error)) {
    if (error.status === 413) return respond(ErrorCode.PAYLOAD_TOO_LARGE, 'request body is larger than 256 KiB');
    if (error.type === 'entity.parse.failed') return respond(ErrorCode.VALIDATION_FAILED, 'request body is not valid JSON');
    return respond(ErrorCode.VALIDATION_FAILED, `request body cannot be read: ${error.message}`);
  }
  if (isDecompressionError(error)) return respond(ErrorCode.VALIDATION_FAILED, 'request body cannot be decompressed');
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = codeOf(status);
    const message = code === ErrorCode.NOT_FOUND ? 'no such route' : httpExceptionMessage(error);
    return respond(code, message, {}, status);
  }
  if (error instanceof CommitOutcomeUnknown) {
    logger.error(error.message);
    return respond(
      ErrorCode.INTERNAL_ERROR,
      'the write may or may not have been applied (the database connection broke during COMMIT); retry with the same Idempotency-Key to find out',
    );
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn(`database unavailable: ${(error as Error).message}`);
    const cause = isPoolExhausted(error) ? 'pool' : 'database';
    return { ...respond(ErrorCode.SERVICE_UNAVAILABLE, 'the service is temporarily unavailable, try again shortly'), cause };
  }
  if (isRetryableLockConflict(error)) {
    logger.warn('lock conflict persisted through every retry');
    return { ...respond(ErrorCode.SERVICE_UNAVAILABLE, 'the party is busy, try again shortly'), cause: 'lock_conflict' };
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return respond(ErrorCode.INTERNAL_ERROR, 'internal error');
}

function respond(code: ErrorCode, message: string, headers: Record<string, string> = {}, status = ERROR_STATUS[code], msg?: string): ErrorResponse {
  const body = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message, msg: msg ?? SDK_MESSAGES[code] ?? message, status: false } as const;
  return { body, headers };
}

function codeOf(status: number): ErrorCode {
  return CODE_OF_HTTP_STATUS[status] ?? (status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_FAILED);
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}

interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

/** body-parser's errors carry a `type` such as `entity.too.large` or `entity.parse.failed`. */
function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | null;
  return typeof candidate?.type === 'string' && typeof candidate.status === 'number';
}

/** zlib's errors for a body sent with Content-Encoding gzip/deflate/br that is not what it says. */
function isDecompressionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // zlib: Z_DATA_ERROR, Z_BUF_ERROR…; brotli: ERR__ERROR_FORMAT_…
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__'));
}
