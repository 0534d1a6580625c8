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
  /** The hits of the current window, without counting one. */
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

/** The hits of the current window and its time left, in one round trip. */
const PEEK_SCRIPT = `
return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}`;

/** The scripts as ioredis commands: sent once, then called by their SHA-1 (EVALSHA) instead of the whole text each time. */
type ScriptedRedis = Redis & {
  rateLimitHit(key: string, windowMs: number): Promise<[number, number]>;
  rateLimitPeek(key: string): Promise<[number, number]>;
};

/** Counters shared by every service process. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: ScriptedRedis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // Fail fast when Redis is away instead of queueing commands: the limiter then counts in this process.
    // A hung Redis (no answer at all) times out as fast as a refused one fails.
    const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000, commandTimeout: 150, lazyConnect: false });
    redis.on('error', () => undefined); // the limiter reports Redis being away, once
    redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    redis.defineCommand('rateLimitPeek', { numberOfKeys: 1, lua: PEEK_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = await this.redis.rateLimitHit(this.prefix + key, windowMs);
    return { count, resetInMs: ttl > 0 ? ttl : windowMs };
  }

  async peek(key: string): Promise<WindowCount> {
    const [count, ttl] = await this.redis.rateLimitPeek(this.prefix + key);
    return { count, resetInMs: Math.max(ttl, 0) };
  }

  close(): Promise<void> {
    this.redis.disconnect();
    return Promise.resolve();
  }
}

const SHARED_RETRY_MS = 2000;

/**
 * The shared store while it answers, this process's own counters while it does not (SPEC §8: limits
 * never switch off). Says so once when Redis goes away, and once when it is back.
 */
export class FallbackRateLimitStore implements RateLimitStore {
  private readonly logger = new Logger('RateLimit');
  private readonly local = new MemoryRateLimitStore();
  private sharedAway = false;
  /** While Redis is away, it is asked again only after this: each request must not wait for it to time out. */
  private retrySharedAt = 0;

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

  private async either<T>(operation: (store: RateLimitStore) => Promise<T>): Promise<T> {
    if (this.sharedAway && Date.now() < this.retrySharedAt) return operation(this.local);
    try {
      const result = await operation(this.shared);
      if (this.sharedAway) this.logger.log('Redis is back: rate limits are shared by every process again');
      this.sharedAway = false;
      return result;
    } catch (error) {
      if (!this.sharedAway) this.logger.warn(`Redis is unreachable (${(error as Error).message}): counting rate limits in this process until it is back`);
      this.sharedAway = true;
      this.retrySharedAt = Date.now() + SHARED_RETRY_MS;
      return operation(this.local);
    }
  }
}
