import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Api, expectStatus } from '../support/api';
import { NodeServer, startServiceProcess } from '../support/service-process';
import { testRedisUrl } from '../support/test-env';
import { describeWithRedis, useTestApp } from '../support/test-app';

/** With REDIS_URL, every process counts against the same budget. */
describeWithRedis('rate limits shared through Redis by two processes', () => {
  let processes: NodeServer[] = [];

  // Declared before useTestApp, so it runs first: the processes stop before their database is dropped.
  afterAll(() => Promise.all(processes.map((service) => service.stop())));
  const t = useTestApp();

  beforeAll(async () => {
    const env = {
      DATABASE_URL: process.env.DATABASE_URL!,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_PLAYER: '6',
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: `party-test:${randomBytes(6).toString('hex')}:`,
    };
    processes = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
  });

  it("a player's budget is spent across both processes", async () => {
    const [player] = await new Api(t.app.url).players(1);
    const [first, second] = processes.map((service) => new Api(service.url));
    for (let i = 0; i < 3; i++) {
      expectStatus(await first.web(player.token, 'get', ''), 200);
      expectStatus(await second.web(player.token, 'get', ''), 200);
    }
    const limited = await first.web(player.token, 'get', '');
    expectStatus(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectStatus(await second.web(player.token, 'get', ''), 429, 'RATE_LIMITED');
  });
});
