import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { PrivateMariaDb } from '../support/private-mariadb';
import { NodeServer, startServiceProcess } from '../support/service-process';
import { TEST_SERVER_KEY } from '../support/test-env';
import { describeApi } from '../support/test-app';

interface Timed {
  status: number;
  code?: string;
  ms: number;
}

/**
 * One HTTP call on its own connection, with its duration; a socket error counts as status 0. (Not
 * fetch: it reuses keep-alive sockets, and one closed as idle at shutdown just as a request is
 * written to it would fail a request the service never received.)
 */
function timed(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Timed> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false, timeout: 15_000 }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        const code = text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : undefined;
        resolve({ status: res.statusCode ?? 0, code, ms: Date.now() - started });
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, ms: Date.now() - started }));
    req.end(init.body);
  });
}

async function within(ms: number, attempt: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await attempt()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not within ${ms} ms`);
}

/**
 * The service against a MariaDB server of the test's own that is frozen (SIGSTOP), killed and
 * restarted, and the service itself stopped with SIGTERM under load.
 */
describeApi('database faults and shutdown', () => {
  let db: PrivateMariaDb;
  let service: NodeServer;
  let token: string;
  let partyId: number;
  const env = () => ({ DATABASE_URL: db.url, DB_POOL_SIZE: '5', RATE_LIMIT_ENABLED: 'false' });
  const web = (path: string, init: { method?: string; body?: string } = {}) =>
    timed(`${service.url}/api/table/services/parties${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

  beforeAll(async () => {
    db = await PrivateMariaDb.create();
    service = await startServiceProcess(env());
    const headers = { 'x-server-key': TEST_SERVER_KEY, 'content-type': 'application/json' };
    const json = async (path: string, init: RequestInit) =>
      (await (await fetch(`${service.url}${path}`, init)).json()) as { row: { id: number }; token: string };
    const player = await json('/server/players', { method: 'POST', headers, body: '{"data":{}}' });
    token = (await json(`/server/players/${player.row.id}/sessions`, { method: 'POST', headers })).token;
    const bearer = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    partyId = (await json('/api/table/services/parties', { method: 'POST', headers: bearer, body: '{"data":{"name":"faults","max_member_count":1000}}' })).row
      .id;
  }, 120_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await db?.destroy();
  });

  async function expectUnavailableFast() {
    const calls = await Promise.all([
      ...Array.from({ length: 20 }, () => web(`/${partyId}`)),
      ...Array.from({ length: 5 }, () => web(`/${partyId}`, { method: 'PUT', body: '{"data":{"name":"x"}}' })),
      web(''),
    ]);
    for (const call of calls) {
      expect(call).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(call.ms).toBeLessThan(2000);
    }
    expect(await timed(`${service.url}/health`)).toMatchObject({ status: 200 });
    const ready = await timed(`${service.url}/health/ready`);
    expect(ready).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(ready.ms).toBeLessThan(2000);
  }

  const recovered = async () => (await web(`/${partyId}`)).status === 200;

  it('a frozen database: 503 within 2 s, /health stays 200; requests succeed within 5 s of it coming back', async () => {
    expect((await web(`/${partyId}`)).status).toBe(200);
    db.freeze();
    try {
      await expectUnavailableFast();
    } finally {
      db.thaw();
    }
    await within(5000, recovered);
    expect((await timed(`${service.url}/health/ready`)).status).toBe(200);
  });

  it('a stopped database: 503 within 2 s; requests succeed within 5 s of a restart, without restarting the service', async () => {
    await db.kill();
    await expectUnavailableFast();
    await db.start();
    await within(5000, recovered);
  });

  it('SIGTERM under load: requests already received are answered, the process exits within 10 s and closes its connections', async () => {
    const abortedBefore = await abortedClients(db);
    // Two connections for 60 requests that each lock the same party row: the work queues up inside
    // the service, so when SIGTERM comes every request has been received and most are still waiting.
    const draining = await startServiceProcess({ ...env(), DB_POOL_SIZE: '2', REQUEST_TIMEOUT_MS: '8000' });
    const call = async (i: number) => {
      const init = i % 2 === 0 ? { method: 'PUT', body: `{"data":{"desc":"${i}"}}` } : {};
      const result = await timed(`${draining.url}/api/table/services/parties/${partyId}${i % 2 === 0 ? '' : '/members'}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      return { ...result, finishedAt: Date.now() };
    };
    const inFlight = Array.from({ length: 60 }, (_, i) => call(i));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const stoppedAt = Date.now();
    const exited = draining.stop('SIGTERM');
    const results = await Promise.all(inFlight);
    await exited;
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.filter((r) => r.finishedAt > stoppedAt).length).toBeGreaterThan(0);
    expect(await abortedClients(db)).toBe(abortedBefore);
  });
});

/** Connections that went away without saying goodbye; a graceful shutdown leaves the count unchanged. */
async function abortedClients(db: PrivateMariaDb): Promise<number> {
  const [rows] = await db.admin((connection) => connection.query("SHOW GLOBAL STATUS LIKE 'Aborted_clients'"));
  return Number((rows as { Value: string }[])[0].Value);
}
