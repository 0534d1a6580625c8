import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { toErrorResponse, UNAVAILABLE_CAUSE } from './error-response';

/** The one filter: every error a handler, guard or pipe throws leaves as the SPEC's error body. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<Response>(), exception);
  }
}

export function sendError(res: Response, exception: unknown): void {
  // Already answered (the request deadline fired first): the late outcome has nobody to go to.
  if (res.headersSent) return;
  const { body, headers, cause } = toErrorResponse(exception);
  if (cause) res.locals[UNAVAILABLE_CAUSE] = cause;
  res.status(body.statusCode).set(headers).json(body);
}
