import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { Observable, tap } from 'rxjs';
import { Row } from '../../common/openapi/envelopes';
import { PartyView } from '../party.views';

/** `ETag: "<version>"` on answers that carry a party as it now is (SPEC §7): what a later write sends back as If-Match. */
@Injectable()
export class PartyETag implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<Row<PartyView>>): Observable<Row<PartyView>> {
    return next.handle().pipe(tap(({ row }) => context.switchToHttp().getResponse<Response>().setHeader('ETag', `"${row.version}"`)));
  }
}
