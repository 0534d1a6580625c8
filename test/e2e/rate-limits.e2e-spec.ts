import { describe, expect, it } from '@jest/globals';
import { Api, expectStatus } from '../support/api';
import { describeApi, startTestApp, useTestApp } from '../support/test-app';

/** Limits per player (Web API), per client address (guest sign-in) and per server key (Trusted API), in memory. */
describeApi('rate limits', () => {
  const t = useTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_WINDOW: '60', RATE_LIMIT_PLAYER: '5', RATE_LIMIT_GUEST: '3', RATE_LIMIT_SERVER: '40' });

  function expectLimited(res: Awaited<ReturnType<Api['send']>>) {
    expectStatus(res, 429, 'RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }

  it('limits each player on the Web API, without touching other players', async () => {
    const [busy, calm] = await t.api.players(2);
    const results = await Promise.all(Array.from({ length: 8 }, () => t.api.web(busy.token, 'get', '')));
    expect(results.filter((res) => res.status === 200)).toHaveLength(5);
    for (const res of results.filter((r) => r.status !== 200)) expectLimited(res);
    expectStatus(await t.api.web(calm.token, 'get', ''), 200);
  });

  it('limits guest sign-in per client address', async () => {
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await t.api.send('post', '/api/auth/guest', {}, {}));
    expect(results.slice(0, 3).map((res) => res.status)).toEqual([200, 200, 200]);
    for (const res of results.slice(3)) expectLimited(res);
  });

  it('limits the Trusted API per server key', async () => {
    let limited = 0;
    for (let i = 0; i < 45 && limited === 0; i++) {
      const res = await t.api.server('get', '/server/services/party');
      if (res.status === 429) {
        expectLimited(res);
        limited++;
      } else {
        expectStatus(res, 200);
      }
    }
    expect(limited).toBe(1);
  });

  describe('turned off', () => {
    it('lets everything through with RATE_LIMIT_ENABLED=false', async () => {
      const open = await startTestApp({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_GUEST: '1' });
      try {
        const results = await Promise.all(Array.from({ length: 4 }, () => new Api(open.url).send('post', '/api/auth/guest', {}, {})));
        expect(results.map((res) => res.status)).toEqual([200, 200, 200, 200]);
      } finally {
        await open.close();
      }
    });
  });
});
