import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Connection } from 'mysql2/promise';
import { expectStatus, TestPlayer } from '../support/api';
import { specDatabaseConnection } from '../support/mysql-admin';
import { NodeServer } from '../support/service-process';
import { describeApi, useTestApp } from '../support/test-app';
import { partyCall, RoundRobin, seedPlayers, startCluster } from '../load/load-kit';

/** Holds row locks from a connection of its own for `ms`, as a slow writer in another process would. */
async function holdRowLock(connection: Connection, sql: string, id: number, ms: number): Promise<void> {
  await connection.query('START TRANSACTION');
  await connection.query(sql, [id]);
  await new Promise((resolve) => setTimeout(resolve, ms));
  await connection.query('COMMIT');
}

/**
 * SPEC §8: an error answer means nothing was written. The request deadline (1.8 s) may answer 503
 * only while the unit of work can still roll back; a join answered 503 must never turn up in SQL.
 */
describeApi('no ghost writes behind a 503', () => {
  let processes: NodeServer[] = [];
  let partyLocker: Connection;
  let playerLocker: Connection;
  // Declared before useTestApp, so it runs first: the processes stop before their database is dropped.
  afterAll(async () => {
    await Promise.all(processes.map((service) => service.stop()));
    await Promise.all([partyLocker?.end(), playerLocker?.end()]);
  });
  const t = useTestApp();

  beforeAll(async () => {
    [partyLocker, playerLocker] = await Promise.all([specDatabaseConnection(), specDatabaseConnection()]);
  });

  it('a join held behind row locks past its deadline is answered 503 and rolled back: 0 ghosts in 20 rounds', async () => {
    const [owner] = await t.api.players(1);
    const party = await t.api.party(owner, { max_member_count: 100 });
    const joiners = await t.api.players(20);
    const ghosts: number[] = [];
    for (const joiner of joiners) {
      // The party row for 1.0 s, the joiner's row (which the membership's foreign key waits for) for 2.0 s:
      // the join is still waiting when its 1.8 s deadline passes, and could commit at 2.0 s.
      const held = Promise.all([
        holdRowLock(partyLocker, 'SELECT id FROM party WHERE id = ? FOR UPDATE', party.id, 1000),
        holdRowLock(playerLocker, 'SELECT id FROM player WHERE id = ? FOR UPDATE', joiner.id, 2000),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      const res = await t.api.join(joiner, party.id);
      const answeredAfter = Date.now() - started;
      await held;
      expectStatus(res, 503, 'SERVICE_UNAVAILABLE');
      expect(answeredAfter).toBeLessThan(2000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // whatever the join still does, it has done by now
      const [{ n }] = await t.db.query('SELECT COUNT(*) AS n FROM membership WHERE party_id = ? AND player_id = ?', [party.id, joiner.id]);
      if (Number(n) > 0) ghosts.push(joiner.id);
    }
    expect(ghosts).toEqual([]);
    const [{ member_count }] = await t.db.query('SELECT member_count FROM party WHERE id = ?', [party.id]);
    expect(Number(member_count)).toBe(1);
  });

  it('800 joins at once through two processes: every player answered 503 is absent from SQL, every 200 present', async () => {
    processes = await startCluster(2, { DB_POOL_SIZE: '3', REQUEST_TIMEOUT_MS: '600', DB_ACQUIRE_TIMEOUT_MS: '400', DB_QUERY_TIMEOUT_MS: '500' });
    const nodes = new RoundRobin(processes.map((service) => service.url));
    const [owner, ...joiners]: TestPlayer[] = await seedPlayers(t.db, 801, 'overload');
    const created = await partyCall(nodes.url(), { kind: 'web', player: owner }, 'POST', '', { data: { name: 'Overloaded', max_member_count: 1000 } });
    expect(created.status).toBe(200);
    const partyId: number = created.body.row.id;
    const replies = await Promise.all(joiners.map((player) => partyCall(nodes.url(), { kind: 'web', player }, 'POST', `/${partyId}`, {})));
    const byStatus = new Map<number, number[]>();
    replies.forEach((reply, i) => byStatus.set(reply.status, [...(byStatus.get(reply.status) ?? []), joiners[i].id]));
    const unavailable = byStatus.get(503) ?? [];
    const joined = byStatus.get(200) ?? [];
    expect([...byStatus.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(unavailable.length).toBeGreaterThan(0); // the overload is real: some were turned away
    await new Promise((resolve) => setTimeout(resolve, 1500)); // anything still running has finished
    const members: { player_id: number }[] = await t.db.query('SELECT player_id FROM membership WHERE party_id = ?', [partyId]);
    const inSql = new Set(members.map((row) => Number(row.player_id)));
    expect(unavailable.filter((id) => inSql.has(id))).toEqual([]);
    expect(joined.filter((id) => !inSql.has(id))).toEqual([]);
    const [{ member_count }] = await t.db.query('SELECT member_count FROM party WHERE id = ?', [partyId]);
    expect(Number(member_count)).toBe(joined.length + 1);
    console.log(`800 joins: ${joined.length} × 200, ${unavailable.length} × 503; none of the 503s in SQL`);
  });
});
