import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { RequestWithCaller } from '../auth/caller';
import { RequestWithScope } from '../common/http/request-scope';
import { idempotentWrite, IdempotencyService } from './idempotency.service';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Runs every write that carries an Idempotency-Key through IdempotencyService (after the guards, so the caller is known). */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & RequestWithCaller & RequestWithScope>();
    const key = request.headers['idempotency-key'];
    if (!WRITES.has(request.method) || key === undefined) return next.handle();
    // The scope is on the request itself (requestDeadline puts it there): a write never runs unprotected.
    if (!request.scope) throw new Error('a write with an Idempotency-Key arrived without its request scope');
    return from(this.idempotency.handle(idempotentWrite(request, key), request.scope, () => lastValueFrom(next.handle())));
  }
}
