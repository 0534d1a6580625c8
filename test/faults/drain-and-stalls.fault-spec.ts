import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import { Connection } from 'mysql2/promise';
import { TestPlayer } from '../support/api';
import { specDatabaseConnection } from '../support/mysql-admin';
import { NodeServer, startServiceProcess } from '../support/service-process';
import { describeApi, useTestApp } from '../support/test-app';

interface KeepAliveReply {
  status: number;
  connection: string | undefined;
  /** A network error, and whether the request went out on a reused keep-alive socket (the one case a client retries). */
  error?: { code: string; reusedSocket: boolean };
}

function call(agent: Agent | false, url: string, token: string, method = 'GET', body?: string): Promise<KeepAliveReply> {
  return new Promise((resolve) => {
    const req = request(url, { agent, method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: 0, connection: undefined, error: { code: error.code ?? error.message, reusedSocket: req.reusedSocket } }),
    );
    req.end(body);
  });
}

/** SPEC §8: SIGTERM drains keep-alive traffic and exits 0; a stalled process holds party locks only DB_IDLE_TRANSACTION_TIMEOUT seconds. */
describeApi('shutdown drain and stalled processes', () => {
  let service: NodeServer | undefined;
  let locker: Connection;
  // Declared before useTestApp, so it runs first: the processes stop before their database is dropped.
  afterAll(async () => {
    if (service?.child.signalCode === 'SIGSTOP') service.child.kill('SIGCONT');
    await service?.stop('SIGKILL');
    await locker?.end();
  });
  const t = useTestApp();
  let player: TestPlayer;
  let partyId: number;

  beforeAll(async () => {
    locker = await specDatabaseConnection();
    [player] = await t.api.players(1);
    partyId = (await t.api.party(player)).id;
  });

  it('SIGTERM with keep-alive clients: answers say Connection: close, nothing received is cut, exit 0 within 10 s', async () => {
    const draining = await startServiceProcess({
      DATABASE_URL: process.env.DATABASE_URL!,
      RATE_LIMIT_ENABLED: 'false',
      REQUEST_TIMEOUT_MS: '6000',
      DB_QUERY_TIMEOUT_MS: '6000',
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const replies: { reply: KeepAliveReply; afterSignal: boolean }[] = [];
    let signalledAt = 0;
    const loop = async () => {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const sentAfterSignal = signalledAt > 0;
        const reply = await call(agent, `${draining.url}/api/table/services/parties/${partyId}`, player.token);
        replies.push({ reply, afterSignal: sentAfterSignal });
        if (reply.connection === 'close' || reply.error) return;
      }
    };
    const loops = Promise.all(Array.from({ length: 4 }, loop));
    // A write received before the signal and still waiting (behind the party's row lock) when it comes.
    await locker.query('START TRANSACTION');
    await locker.query('SELECT id FROM party WHERE id = ? FOR UPDATE', [partyId]);
    const slowWrite = call(false, `${draining.url}/api/table/services/parties/${partyId}`, player.token, 'PUT', '{"data":{"desc":"written while draining"}}');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    signalledAt = Date.now();
    const exited = draining.stop('SIGTERM');
    setTimeout(() => void locker.query('COMMIT'), 1500);
    const exitCode = await exited;
    const exitedAfter = Date.now() - signalledAt;
    await loops;
    agent.destroy();
    expect(await slowWrite).toEqual({ status: 200, connection: 'close' });
    expect({ exitCode, withinTenSeconds: exitedAfter < 10_000 }).toEqual({ exitCode: 0, withinTenSeconds: true });
    expect(replies.filter(({ reply }) => reply.status === 200).length).toBeGreaterThan(10);
    expect(replies.some(({ reply }) => reply.connection === 'close')).toBe(true);
    // Every request sent after the signal that got an answer was told to close its connection.
    expect(replies.filter(({ reply, afterSignal }) => afterSignal && reply.status > 0 && reply.connection !== 'close')).toEqual([]);
    // Errors only where no request was received: a refused new connection, or a keep-alive socket closed while idle.
    const cut = replies.filter(({ reply }) => reply.error && reply.error.code !== 'ECONNREFUSED' && !reply.error.reusedSocket);
    expect(cut).toEqual([]);
    expect(draining.output()).not.toMatch(/still draining/);
  });

  it('a process stopped while holding a party row lock blocks the party for at most DB_IDLE_TRANSACTION_TIMEOUT seconds', async () => {
    service = await startServiceProcess({
      DATABASE_URL: process.env.DATABASE_URL!,
      RATE_LIMIT_ENABLED: 'false',
      DB_IDLE_TRANSACTION_TIMEOUT: '2',
      REQUEST_TIMEOUT_MS: '30000',
    });
    const [joiner] = await t.api.players(1);
    // Hold the joiner's row so the service's join, which has already locked the party row, waits on it.
    await locker.query('START TRANSACTION');
    await locker.query('SELECT id FROM player WHERE id = ? FOR UPDATE', [joiner.id]);
    const join = fetch(`${service.url}/api/table/services/parties/${partyId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${joiner.token}`, 'content-type': 'application/json' },
      body: '{}',
    }).catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 400));
    service.child.kill('SIGSTOP'); // the service stalls with the party row locked
    await locker.query('COMMIT');
    const stalledAt = Date.now();
    let editedAfter = -1;
    while (Date.now() - stalledAt < 15_000) {
      const res = await t.api.web(player.token, 'put', `/${partyId}`, { data: { desc: 'after the stall' } });
      if (res.status === 200) {
        editedAfter = Date.now() - stalledAt;
        break;
      }
    }
    service.child.kill('SIGCONT');
    await join;
    expect(editedAfter).toBeGreaterThan(0);
    expect(editedAfter).toBeLessThan(2000 + 2500); // the timeout, plus the server's check interval and one retried request
    const [{ n }] = await t.db.query('SELECT COUNT(*) AS n FROM membership WHERE party_id = ? AND player_id = ?', [partyId, joiner.id]);
    expect(Number(n)).toBe(0); // the stalled join was rolled back, not committed late
  });
});
