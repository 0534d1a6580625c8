import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { guestSignInOff } from './auth.errors';

/**
 * Guest sign-in: 404 when turned off (before anything else looks at the request), and, since it
 * creates players, limited per client address.
 */
@Injectable()
export class GuestSignInGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.config.guestAuthEnabled) throw guestSignInOff();
    const request = context.switchToHttp().getRequest<Request>();
    await this.limiter.consume('guest', request.ip ?? 'unknown');
    return true;
  }
}
