import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiter } from './rate-limiter';

/** Guest sign-in creates players, so it is limited per client address. */
@Injectable()
export class GuestSignInLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    await this.limiter.consume('guest', request.ip ?? 'unknown');
    return true;
  }
}
