import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window resets. */
  resetInMs: number;
}

/** Fixed-window hit counters. */
export interface RateLimitStore {
  /** Counts one hit. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** The window as it stands, without counting (count 0 when there is none). */
  peek(key: string): Promise<WindowCount>;
  close(): Promise<void>;
}

/** Counters in this process: right for one process, for tests, and as the fallback while Redis is away. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 30_000).unref();

  hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return Promise.resolve({ count: window.count, resetInMs: window.resetAt - now });
  }

  peek(key: string): Promise<WindowCount> {
    const now = Date.now();
    const window = this.windows.get(key);
    return Promise.resolve(window && window.resetAt > now ? { count: window.count, resetInMs: window.resetAt - now } : { count: 0, resetInMs: 0 });
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/** Increments and starts the window in one round trip, atomically for every process sharing Redis. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

/** Counters shared by every service process. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // Fail fast when Redis is away instead of queueing commands: the limiter then counts in this process.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000, lazyConnect: false });
    this.redis.on('error', () => undefined); // the limiter reports Redis being away, once
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.prefix + key, windowMs)) as [number, number];
    return { count, resetInMs: ttl > 0 ? ttl : windowMs };
  }

  async peek(key: string): Promise<WindowCount> {
    const [count, ttl] =
      (await this.redis
        .multi()
        .get(this.prefix + key)
        .pttl(this.prefix + key)
        .exec()) ?? [];
    return { count: Number(count?.[1] ?? 0), resetInMs: Math.max(0, Number(ttl?.[1] ?? 0)) };
  }

  close(): Promise<void> {
    this.redis.disconnect();
    return Promise.resolve();
  }
}

/**
 * The shared store while it answers, this process's own counters while it does not (SPEC §8: limits
 * never switch off). Says so once when Redis goes away, and once when it is back.
 */
export class FallbackRateLimitStore implements RateLimitStore {
  private readonly logger = new Logger('RateLimit');
  private readonly local = new MemoryRateLimitStore();
  private sharedAway = false;

  constructor(private readonly shared: RateLimitStore) {}

  hit(key: string, windowMs: number): Promise<WindowCount> {
    return this.either((store) => store.hit(key, windowMs));
  }

  peek(key: string): Promise<WindowCount> {
    return this.either((store) => store.peek(key));
  }

  async close(): Promise<void> {
    await Promise.all([this.shared.close(), this.local.close()]);
  }

  private async either(operation: (store: RateLimitStore) => Promise<WindowCount>): Promise<WindowCount> {
    try {
      const result = await operation(this.shared);
      if (this.sharedAway) this.logger.log('Redis is back: rate limits are shared by every process again');
      this.sharedAway = false;
      return result;
    } catch (error) {
      if (!this.sharedAway) this.logger.warn(`Redis is unreachable (${(error as Error).message}): counting rate limits in this process until it is back`);
      this.sharedAway = true;
      return operation(this.local);
    }
  }
}
