import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Api, expectStatus } from '../support/api';
import { EventClient } from '../support/event-client';
import { NodeServer, startServiceProcess } from '../support/service-process';
import { testRedisUrl } from '../support/test-env';
import { describeWithRedis, useTestApp } from '../support/test-app';

/** Polls `check` until it is true or `ms` passed; how long it took. */
async function within(ms: number, check: () => boolean | Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
}

/**
 * Sessions are cached for a few seconds in each process (SessionCache): a logout or a ban through one
 * process must still be honoured by every other at once. And WEB_CONCURRENCY runs workers on one port.
 */
describeWithRedis('session cache across processes, and cluster workers', () => {
  let processes: NodeServer[] = [];
  afterAll(() => Promise.all(processes.map((service) => service.stop())));
  useTestApp(); // this spec's database; the service processes are started below
  const env = () => ({ DATABASE_URL: process.env.DATABASE_URL!, RATE_LIMIT_ENABLED: 'false', REDIS_URL: testRedisUrl() });
  let apis: Api[];

  beforeAll(async () => {
    processes = await Promise.all([0, 1].map(() => startServiceProcess(env())));
    apis = processes.map((service) => new Api(service.url));
  });

  it('a logout through one process is a 401 through the other within 100 ms, though its cache had just verified the token', async () => {
    const [player] = await apis[0].players(1);
    for (const api of apis) expectStatus(await api.web(player.token, 'get', '/me'), 200); // both caches hold the session now
    expectStatus(await apis[0].send('delete', '/api/auth/session', { authorization: `Bearer ${player.token}` }), 200);
    await within(100, async () => (await apis[1].web(player.token, 'get', '/me')).status === 401);
  });

  it('a ban through one process is a 403 through the other within 100 ms', async () => {
    const [player] = await apis[0].players(1);
    for (const api of apis) expectStatus(await api.web(player.token, 'get', '/me'), 200);
    expectStatus(await apis[0].server('put', `/server/players/${player.id}`, { data: { is_ban: true } }), 200);
    await within(100, async () => (await apis[1].web(player.token, 'get', '/me')).status === 403);
  });

  it('a session pushed out by newer ones (more than 10) is refused by every process', async () => {
    const [player] = await apis[0].players(1);
    expectStatus(await apis[1].web(player.token, 'get', '/me'), 200);
    for (let i = 0; i < 10; i++) expectStatus(await apis[0].server('post', `/server/players/${player.id}/sessions`), 200);
    await within(100, async () => (await apis[1].web(player.token, 'get', '/me')).status === 401);
  });

  it('WEB_CONCURRENCY=2: two workers serve HTTP and event sockets on one port; SIGTERM stops them and the primary exits 0', async () => {
    const cluster = await startServiceProcess({ ...env(), WEB_CONCURRENCY: '2' });
    processes.push(cluster);
    const api = new Api(cluster.url);
    const workers = () => readFileSync(`/proc/${cluster.child.pid}/task/${cluster.child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    await within(10_000, () => workers().length === 2);
    const [owner] = await api.players(1);
    const socket = await EventClient.ready(cluster.url, owner.token);
    const party = (await api.web(owner.token, 'post', '', { data: { name: 'Clustered' } })).body.row;
    const edits = await Promise.all(Array.from({ length: 20 }, (_, i) => api.web(owner.token, 'put', `/${party.id}/members/me`, { data: `${i}` })));
    edits.forEach((res) => expectStatus(res, 200));
    await socket.until(party.id, 21); // every change, whichever worker made it
    expect(await cluster.stop('SIGTERM')).toBe(0);
    expect((await socket.closed).code).toBe(1001);
  });
});
