import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import { Api, expectStatus, TestPlayer } from '../support/api';
import { EventClient, expectGapFree } from '../support/event-client';
import { runVisibilityMatrix } from '../support/realtime-matrix';
import { hangableProxy } from '../support/redis-proxy';
import { NodeServer, startServiceProcess } from '../support/service-process';
import { testRedisUrl } from '../support/test-env';
import { describeWithRedis, useTestApp } from '../support/test-app';

/**
 * SPEC §7 over two service processes sharing one MySQL database and one Redis: what a change made
 * through either process reaches sockets on both, in order, without gaps; If-Match holds across
 * processes; a process that loses Redis catches up from the event table; SIGTERM closes with 1001.
 */
describeWithRedis('realtime events across two service processes', () => {
  let processes: NodeServer[] = [];
  let apis: Api[];
  let urls: string[];
  let clients: EventClient[] = [];
  // Declared before useTestApp, so it runs first: the processes stop before their database is dropped.
  afterAll(() => Promise.all(processes.map((service) => service.stop())));
  useTestApp(); // this spec's database; the service processes are started below
  const env = () => ({ DATABASE_URL: process.env.DATABASE_URL!, RATE_LIMIT_ENABLED: 'false', REDIS_URL: testRedisUrl() });

  beforeAll(async () => {
    processes = await Promise.all([0, 1].map(() => startServiceProcess(env())));
    apis = processes.map((service) => new Api(service.url));
    urls = processes.map((service) => service.url);
  });
  afterEach(() => {
    clients.forEach((client) => client.close());
    clients = [];
  });
  const ready = async (url: string, player: TestPlayer) => {
    const client = await EventClient.ready(url, player.token);
    clients.push(client);
    return client;
  };

  it('every event type reaches exactly who may see it, whichever process made the change and whichever holds the socket', async () => {
    clients = await runVisibilityMatrix(apis[0], apis, urls);
  });

  it('concurrent writes to one party through both processes: every member socket, on either process, gets every version once, in order', async () => {
    const [owner, ...members] = await apis[0].players(13);
    const party = (await apis[0].web(owner.token, 'post', '', { data: { name: 'Busy', max_member_count: 20 } })).body.row;
    for (const member of members) expectStatus(await apis[0].join(member, party.id), 200);
    const start = (await apis[0].getParty(party.id)).version as number;
    const sockets = [await ready(urls[0], owner), ...(await Promise.all(members.map((member, i) => ready(urls[i % 2], member))))];
    const servers = await Promise.all(urls.map((url) => EventClient.serverOfAll(url)));
    clients.push(...servers);
    const writes = 120;
    const results = await Promise.all(
      Array.from({ length: writes }, (_, i) => {
        const member = members[i % members.length];
        return apis[i % 2].web(member.token, 'put', `/${party.id}/members/me`, { data: `write ${i}` });
      }),
    );
    results.forEach((res) => expectStatus(res, 200));
    const end = start + writes;
    expect((await apis[1].getParty(party.id)).version).toBe(end);
    for (const socket of [...sockets, ...servers]) await socket.until(party.id, end, 15_000);
    for (const socket of [...sockets, ...servers]) expectGapFree(socket, party.id, start + 1, end);
  });

  it('If-Match across processes: of two edits sent with the same version, one is done and the other is 412', async () => {
    const [owner] = await apis[0].players(1);
    const party = (await apis[0].web(owner.token, 'post', '', { data: { name: 'Contested' } })).body.row;
    for (let round = 0; round < 10; round++) {
      const version = (await apis[0].getParty(party.id)).version as number;
      const [first, second] = await Promise.all(
        apis.map((api, i) =>
          api.send(
            'put',
            `/api/table/services/parties/${party.id}`,
            { authorization: `Bearer ${owner.token}`, 'if-match': `"${version}"` },
            { data: { desc: `round ${round} by ${i}` } },
          ),
        ),
      );
      expect([first.status, second.status].sort()).toEqual([200, 412]);
      expect((await apis[1].getParty(party.id)).version).toBe(version + 1);
    }
  });

  it('resume through the other process replays exactly what a dropped socket missed', async () => {
    const [owner, member] = await apis[0].players(2);
    const party = (await apis[0].web(owner.token, 'post', '', { data: { name: 'Resume' } })).body.row;
    expectStatus(await apis[0].join(member, party.id), 200); // v2
    const first = await ready(urls[0], member);
    expectStatus(await apis[1].web(owner.token, 'put', `/${party.id}`, { data: { desc: 'v3' } }), 200);
    await first.until(party.id, 3);
    first.close();
    await first.closed;
    for (let i = 4; i <= 8; i++) expectStatus(await apis[i % 2].web(owner.token, 'put', `/${party.id}`, { data: { desc: `v${i}` } }), 200);
    const again = await ready(urls[1], member);
    again.send({ type: 'resume', party: party.id, since: 3 });
    expect(await again.next((m) => m.type === 'resumed')).toEqual({ type: 'resumed', party: party.id, version: 8 });
    expectStatus(await apis[0].web(owner.token, 'put', `/${party.id}`, { data: { desc: 'v9' } }), 200);
    await again.until(party.id, 9);
    expectGapFree(again, party.id, 4, 9);
  });

  it('a process cut off from Redis still delivers every change, from the event table, and goes on once Redis is back', async () => {
    const proxy = await hangableProxy();
    const cutOff = await startServiceProcess({ ...env(), REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    processes.push(cutOff);
    try {
      const [owner, member] = await apis[0].players(2);
      const socket = await ready(cutOff.url, member);
      const ownerSocket = await ready(cutOff.url, owner);
      proxy.hang(true);
      // Made through the other process while this one hears nothing: the creation, the join, edits.
      const party = (await apis[0].web(owner.token, 'post', '', { data: { name: 'Hiccup' } })).body.row;
      expectStatus(await apis[0].join(member, party.id), 200); // v2: the member's socket is moved in
      for (let i = 3; i <= 5; i++) expectStatus(await apis[0].web(owner.token, 'put', `/${party.id}`, { data: { desc: `v${i}` } }), 200);
      await socket.until(party.id, 5, 15_000); // the sweep found them in the table
      await ownerSocket.until(party.id, 5, 15_000);
      proxy.hang(false);
      expectStatus(await apis[1].web(owner.token, 'put', `/${party.id}`, { data: { desc: 'v6' } }), 200);
      await socket.until(party.id, 6, 15_000);
      expectGapFree(socket, party.id, 2, 6);
      expectGapFree(ownerSocket, party.id, 2, 6);
    } finally {
      await cutOff.stop();
      await proxy.close();
    }
  }, 60_000);

  it('a change that arrives before the ones it follows: the socket gets the missed ones from the table first, in order', async () => {
    const proxy = await hangableProxy();
    // No sweep during the test: only the gap check can bring the changes this process did not hear of.
    const late = await startServiceProcess({ ...env(), REDIS_URL: `redis://127.0.0.1:${proxy.port}`, EVENTS_SWEEP_MS: '600000' });
    processes.push(late);
    try {
      const [owner, member] = await apis[0].players(2);
      const party = (await apis[0].web(owner.token, 'post', '', { data: { name: 'Gap' } })).body.row;
      expectStatus(await apis[0].join(member, party.id), 200); // v2
      const socket = await ready(late.url, member);
      proxy.hang(true);
      for (let i = 3; i <= 5; i++) expectStatus(await apis[0].web(owner.token, 'put', `/${party.id}`, { data: { desc: `v${i}` } }), 200);
      expectStatus(await new Api(late.url).web(owner.token, 'put', `/${party.id}`, { data: { desc: 'v6' } }), 200); // made here: heard at once
      await socket.until(party.id, 6);
      expectGapFree(socket, party.id, 3, 6);
    } finally {
      await late.stop();
      await proxy.close();
    }
  });

  it('a socket that reads too slowly is closed with 1013 once over 1 MiB waits for it', async () => {
    const [owner] = await apis[0].players(1);
    const party = (await apis[0].web(owner.token, 'post', '', { data: { name: 'Firehose' } })).body.row;
    const slow = await ready(urls[0], owner);
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const big = 'x'.repeat(60_000);
    for (let i = 0; i < 120; i++) expectStatus(await apis[0].web(owner.token, 'put', `/${party.id}`, { data: { data: `${i}${big}` } }), 200);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed).code).toBe(1013);
  }, 60_000);

  it('SIGTERM: queued events go out, then every socket is closed with 1001, and the process exits 0', async () => {
    const leaving = await startServiceProcess(env());
    processes.push(leaving);
    const [owner] = await apis[0].players(1);
    const party = (await apis[0].web(owner.token, 'post', '', { data: { name: 'Goodbye' } })).body.row;
    const socket = await ready(leaving.url, owner);
    expectStatus(await new Api(leaving.url).web(owner.token, 'put', `/${party.id}`, { data: { desc: 'v2' } }), 200);
    expect(await leaving.stop('SIGTERM')).toBe(0); // at once: the event may still be queued
    expect((await socket.closed).code).toBe(1001);
    expect(socket.seen(party.id)).toEqual([[2, 'party.updated']]);
  });
});
