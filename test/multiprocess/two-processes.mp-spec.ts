import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { Response } from 'supertest';
import { Api, TestPlayer } from '../support/api';
import { invariantsOf } from '../support/db';
import { startServiceProcess, NodeServer } from '../support/service-process';
import { describeApi, useTestApp } from '../support/test-app';

const ok = (responses: Response[]) => responses.filter((res) => res.status === 200).length;

/**
 * The races again, with requests spread over two service processes sharing one MySQL database: only
 * the database can keep the rules here. (The in-test app is used for set-up and for SQL checks.)
 */
describeApi('races across two service processes on one MySQL database', () => {
  let processes: NodeServer[] = [];
  let apis: Api[];
  let db: DataSource;
  const spread = <T>(items: T[]) => items.map((item, i) => ({ item, api: apis[i % apis.length] }));

  // Declared before useTestApp, so it runs first: the processes stop before their database is dropped.
  afterAll(() => Promise.all(processes.map((service) => service.stop())));
  const t = useTestApp();

  beforeAll(async () => {
    db = t.db;
    processes = await Promise.all([0, 1].map(() => startServiceProcess({ DATABASE_URL: process.env.DATABASE_URL! })));
    apis = processes.map((service) => new Api(service.url));
  });

  async function players(n: number): Promise<TestPlayer[]> {
    return new Api(t.app.url).players(n);
  }

  it('40 concurrent joins into a party of 5 over two processes: exactly 4 succeed', async () => {
    const [owner, ...joiners] = await players(41);
    const party = await new Api(t.app.url).party(owner, { max_member_count: 5 });
    const results = await Promise.all(spread(joiners).map(({ item, api }) => api.join(item, party.id)));
    expect(ok(results)).toBe(4);
    expect(results.filter((res) => res.status === 409 && res.body.code === 'PARTY_FULL')).toHaveLength(36);
    expect(await invariantsOf(db, party.id)).toMatchObject({ memberCount: 5, acceptedRows: 5, owners: [owner.id] });
  });

  it('concurrent accepts into a nearly full private party over two processes', async () => {
    const [owner, ...requesters] = await players(11);
    const party = await new Api(t.app.url).party(owner, { max_member_count: 3, is_private: true });
    const ids = await Promise.all(requesters.map(async (p) => (await new Api(t.app.url).join(p, party.id)).body.row.id as number));
    const results = await Promise.all(spread(ids).map(({ item, api }) => api.web(owner.token, 'put', `/${party.id}/waiting/${item}`)));
    expect(ok(results)).toBe(2);
    expect(await invariantsOf(db, party.id)).toMatchObject({ memberCount: 3, acceptedRows: 3 });
  });

  it('one player joining 8 times over two processes gets one membership', async () => {
    const [owner, player] = await players(2);
    const party = await new Api(t.app.url).party(owner);
    const results = await Promise.all(spread(Array.from({ length: 8 }, () => player)).map(({ item, api }) => api.join(item, party.id)));
    expect(ok(results)).toBe(1);
    expect(await invariantsOf(db, party.id)).toMatchObject({ memberCount: 2, acceptedRows: 2 });
  });

  it('the owner and members leaving at once over two processes leave exactly one owner', async () => {
    const [owner, ...members] = await players(9);
    const setupApi = new Api(t.app.url);
    const party = await setupApi.party(owner);
    for (const member of members) await setupApi.join(member, party.id);
    const results = await Promise.all(spread([owner, ...members.slice(0, 5)]).map(({ item, api }) => api.web(item.token, 'delete', `/${party.id}`)));
    expect(ok(results)).toBe(6);
    const state = await invariantsOf(db, party.id);
    expect(state).toMatchObject({ memberCount: 3, acceptedRows: 3 });
    expect(state.owners).toHaveLength(1);
    expect(state.ownerId).toBe(state.owners[0]);
  });
});
