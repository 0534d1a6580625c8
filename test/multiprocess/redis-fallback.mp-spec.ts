import { expect, it } from '@jest/globals';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Api } from '../support/api';
import { hangableProxy } from '../support/redis-proxy';
import { testRedisUrl } from '../support/test-env';
import { describeWithRedis, startTestApp, useTestApp } from '../support/test-app';

/** SPEC §8: with Redis hung, limits are counted in the process, quickly; once Redis answers again, they are shared again. */
describeWithRedis('rate limits when Redis hangs and comes back', () => {
  useTestApp(); // this spec's database; the app under test is started below with its own Redis settings
  it('keeps limiting (fast, per process) while Redis hangs, and counts in Redis again after it returns', async () => {
    const proxy = await hangableProxy();
    const prefix = `party-test:${randomBytes(6).toString('hex')}:`;
    const app = await startTestApp({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_GUEST: '3',
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: prefix,
    });
    const redis = new Redis(testRedisUrl());
    try {
      const api = new Api(app.url, app.serverKey);
      const signIn = async () => {
        const started = Date.now();
        const res = await api.send('post', '/api/auth/guest', {}, {});
        return { status: res.status, ms: Date.now() - started };
      };
      expect((await signIn()).status).toBe(200); // counted in Redis
      expect(await redis.keys(`${prefix}*`)).toHaveLength(1);
      proxy.hang(true);
      const whileHung = [];
      for (let i = 0; i < 5; i++) whileHung.push(await signIn());
      expect(whileHung.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
      expect(Math.max(...whileHung.map((r) => r.ms))).toBeLessThan(1000);
      proxy.hang(false);
      await redis.del(...(await redis.keys(`${prefix}*`)));
      await new Promise((resolve) => setTimeout(resolve, 2200)); // the limiter asks Redis again 2 s after it went away
      await signIn();
      await signIn();
      expect(await redis.keys(`${prefix}*`)).toHaveLength(1); // counting in Redis again
    } finally {
      redis.disconnect();
      await app.close();
      await proxy.close();
    }
  });
});
