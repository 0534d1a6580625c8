import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Api, expectStatus } from '../support/api';
import { NodeServer, startServiceProcess } from '../support/service-process';
import { describeApi, useTestApp } from '../support/test-app';

/** SPEC §8: a duplicate sent while the first is running, through another process, never does the work twice. */
describeApi('Idempotency-Key across two service processes', () => {
  let processes: NodeServer[] = [];
  let apis: Api[];
  // Declared before useTestApp, so it runs first: the processes stop before their database is dropped.
  afterAll(() => Promise.all(processes.map((service) => service.stop())));
  const t = useTestApp();

  beforeAll(async () => {
    processes = await Promise.all([0, 1].map(() => startServiceProcess({ DATABASE_URL: process.env.DATABASE_URL!, RATE_LIMIT_ENABLED: 'false' })));
    apis = processes.map((service) => new Api(service.url));
  });

  it('12 concurrent duplicates of a create and of a join, spread over both processes: each done once, every answer the same', async () => {
    for (let round = 0; round < 5; round++) {
      const [owner, joiner] = await t.api.players(2);
      const createKey = `create-${randomBytes(6).toString('hex')}`;
      const send = (api: Api, token: string, key: string, path: string, body: unknown) =>
        api.send('post', `/api/table/services/parties${path}`, { authorization: `Bearer ${token}`, 'idempotency-key': key }, body);
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) => send(apis[i % 2], owner.token, createKey, '', { data: { name: `Round ${round}` } })),
      );
      created.forEach((res) => expectStatus(res, 200));
      expect(new Set(created.map((res) => JSON.stringify(res.body))).size).toBe(1);
      const [{ n }] = await t.db.query('SELECT COUNT(*) AS n FROM party WHERE owner_id = ?', [owner.id]);
      expect(Number(n)).toBe(1);

      const partyId: number = created[0].body.row.id;
      const joinKey = `join-${randomBytes(6).toString('hex')}`;
      const joined = await Promise.all(Array.from({ length: 12 }, (_, i) => send(apis[i % 2], joiner.token, joinKey, `/${partyId}`, {})));
      joined.forEach((res) => expectStatus(res, 200));
      expect(new Set(joined.map((res) => res.body.row.id as number)).size).toBe(1);
      expect((await t.api.getParty(partyId)).member_count).toBe(2);
    }
  });
});
