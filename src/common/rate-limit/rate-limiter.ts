import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, RateLimitConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { MemoryRateLimitStore, RateLimitStore, RedisRateLimitStore } from './rate-limit.store';

export type RateLimitBucket = 'player' | 'guest' | 'server';

const LIMIT_OF: Record<RateLimitBucket, (config: RateLimitConfig) => number> = {
  player: (config) => config.perPlayer,
  guest: (config) => config.perGuestAddress,
  server: (config) => config.perServerKey,
};

/** Counts requests per caller and refuses the excess with 429 RATE_LIMITED and Retry-After. */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly config: RateLimitConfig;
  private readonly store: RateLimitStore | null;

  constructor(@Inject(APP_CONFIG) appConfig: AppConfig) {
    this.config = appConfig.rateLimit;
    if (!this.config.enabled) this.store = null;
    else if (this.config.redisUrl) this.store = new RedisRateLimitStore(this.config.redisUrl, this.config.redisKeyPrefix);
    else this.store = new MemoryRateLimitStore();
  }

  async consume(bucket: RateLimitBucket, id: string): Promise<void> {
    if (!this.store) return;
    let hits;
    try {
      hits = await this.store.hit(`${bucket}:${id}`, this.config.windowSeconds * 1000);
    } catch (error) {
      // A limiter that cannot count must not take the service down with it: let the request through.
      this.logger.warn(`rate limit not checked: ${(error as Error).message}`);
      return;
    }
    const limit = LIMIT_OF[bucket](this.config);
    if (hits.count > limit) {
      const retryAfter = String(Math.max(1, Math.ceil(hits.resetInMs / 1000)));
      throw new DomainError(ErrorCode.RATE_LIMITED, `too many requests: at most ${limit} per ${this.config.windowSeconds} s; retry in ${retryAfter} s`, {
        headers: { 'Retry-After': retryAfter },
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store?.close();
  }
}
