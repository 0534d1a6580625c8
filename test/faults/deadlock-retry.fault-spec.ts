import { beforeAll, expect, it } from '@jest/globals';
import { createConnection } from 'mysql2/promise';
import { Transactions } from '../../src/database/transactions';
import { describeApi, useTestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A real InnoDB deadlock against the service's unit of work: it is retried, not surfaced. */
describeApi('deadlock retry', () => {
  const t = useTestApp();
  let partyA: number;
  let partyB: number;

  beforeAll(async () => {
    const [owner] = await t.api.players(1);
    partyA = (await t.api.party(owner)).id;
    partyB = (await t.api.party(owner)).id;
  });

  it('retries a unit of work chosen as the deadlock victim, and it then succeeds', async () => {
    const url = new URL(process.env.DATABASE_URL!);
    const rival = await createConnection({ host: url.hostname, port: Number(url.port), user: url.username, database: url.pathname.slice(1) });
    try {
      // The rival writes first (B), so InnoDB, which rolls back the transaction that changed less,
      // picks the unit of work (which only locks) as the victim.
      await rival.query('START TRANSACTION');
      await rival.query('UPDATE party SET description = ? WHERE id = ?', ['rival', partyB]);
      let attempts = 0;
      const result = await t.app.app.get(Transactions).run(async (manager) => {
        attempts++;
        await manager.query('SELECT id FROM party WHERE id = ? FOR UPDATE', [partyA]);
        if (attempts === 1) {
          // The rival now waits for A while we go for B: a cycle.
          void rival.query('UPDATE party SET description = ? WHERE id = ?', ['rival', partyA]).then(() => rival.query('COMMIT'));
          await sleep(200);
        }
        await manager.query('SELECT id FROM party WHERE id = ? FOR UPDATE', [partyB]);
        return 'done';
      });
      expect(result).toBe('done');
      expect(attempts).toBe(2);
      const [row] = await t.db.query('SELECT description FROM party WHERE id = ?', [partyA]);
      expect(row.description).toBe('rival');
    } finally {
      await rival.end();
    }
  });
});
