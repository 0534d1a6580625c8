import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, RateLimitConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { FallbackRateLimitStore, MemoryRateLimitStore, RateLimitStore, RedisRateLimitStore, WindowCount } from './rate-limit.store';

export type RateLimitBucket = 'player' | 'guest' | 'server' | 'authFailure';

const LIMIT_OF: Record<RateLimitBucket, (config: RateLimitConfig) => number> = {
  player: (config) => config.perPlayer,
  guest: (config) => config.perGuestAddress,
  server: (config) => config.perServerKey,
  authFailure: (config) => config.authFailuresPerAddress,
};

/** Counts requests per caller and refuses the excess with 429 RATE_LIMITED and Retry-After. */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly config: RateLimitConfig;
  private readonly store: RateLimitStore | null;

  constructor(@Inject(APP_CONFIG) appConfig: AppConfig) {
    this.config = appConfig.rateLimit;
    if (!this.config.enabled) this.store = null;
    else if (this.config.redisUrl) this.store = new FallbackRateLimitStore(new RedisRateLimitStore(this.config.redisUrl, this.config.redisKeyPrefix));
    else this.store = new MemoryRateLimitStore();
  }

  /**
   * Counts a request; 429 past the bucket's limit. Counting comes first and is atomic (one Redis
   * script), so concurrent requests cannot all slip under the limit.
   */
  async consume(bucket: RateLimitBucket, id: string): Promise<void> {
    if (!this.store) return;
    this.refuseBeyondLimit(bucket, await this.store.hit(`${bucket}:${id}`, this.config.windowSeconds * 1000));
  }

  /** 429 if the bucket is already at its limit, without counting this request (see SessionGuard). */
  async assertUnderLimit(bucket: RateLimitBucket, id: string): Promise<void> {
    if (!this.store) return;
    const hits = await this.store.peek(`${bucket}:${id}`);
    this.refuseBeyondLimit(bucket, { count: hits.count + 1, resetInMs: hits.resetInMs });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store?.close();
  }

  private refuseBeyondLimit(bucket: RateLimitBucket, hits: WindowCount): void {
    const limit = LIMIT_OF[bucket](this.config);
    if (hits.count <= limit) return;
    const retryAfter = String(Math.max(1, Math.ceil(hits.resetInMs / 1000)));
    throw new DomainError(ErrorCode.RATE_LIMITED, `too many requests: at most ${limit} per ${this.config.windowSeconds} s; retry in ${retryAfter} s`, {
      headers: { 'Retry-After': retryAfter },
    });
  }
}
