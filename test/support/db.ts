import { DataSource } from 'typeorm';
import { TestApp } from './test-app';

/** Direct reads of the test database, for asserting what was (not) written. */
export async function countRows(app: TestApp, table: 'player' | 'session' | 'party' | 'membership'): Promise<number> {
  const [{ n }] = await app.app.get(DataSource).query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(n);
}

export async function setRole(app: TestApp, partyId: number, playerId: number, role: number): Promise<void> {
  await app.app.get(DataSource).query('UPDATE membership SET role = ? WHERE party_id = ? AND player_id = ?', [role, partyId, playerId]);
}

export interface PartyInvariants {
  exists: boolean;
  memberCount: number;
  acceptedRows: number;
  maxMemberCount: number;
  ownerId: number | null;
  /** player ids of accepted memberships with role 1 */
  owners: number[];
}

/** What SQL says about one party: the numbers the races must keep consistent. */
export async function invariantsOf(dataSource: DataSource, partyId: number): Promise<PartyInvariants> {
  const [party] = await dataSource.query('SELECT member_count, max_member_count, owner_id FROM party WHERE id = ?', [partyId]);
  const rows: { player_id: number; role: number; status: number }[] = await dataSource.query(
    'SELECT player_id, role, status FROM membership WHERE party_id = ?',
    [partyId],
  );
  const accepted = rows.filter((row) => Number(row.status) === 1);
  return {
    exists: party !== undefined,
    memberCount: Number(party?.member_count ?? 0),
    acceptedRows: accepted.length,
    maxMemberCount: Number(party?.max_member_count ?? 0),
    ownerId: party?.owner_id ?? null,
    owners: accepted.filter((row) => Number(row.role) === 1).map((row) => Number(row.player_id)),
  };
}
