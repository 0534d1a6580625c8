import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { writeSearchIndex } from '../../party/repositories/party-search.repository';
import { dialectOf } from '../dialect';

/** Parties read and indexed per round of the backfill. */
const BACKFILL_BATCH = 500;

/**
 * The search index (see search-text.ts): each party's folded name and description (`party_search`),
 * and its trigrams (`party_gram`, keyed by gram then party, so a gram's parties are read newest
 * first). Both go with their party (ON DELETE CASCADE). Existing parties are indexed here.
 */
export class PartySearch1764374400000 implements MigrationInterface {
  name = 'PartySearch1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { int, longText, binaryCollation } = dialectOf(queryRunner.connection.options);
    const toParty = (table: string) =>
      new TableForeignKey({
        name: `fk_${table}_party`,
        columnNames: ['party_id'],
        referencedTableName: 'party',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      });
    // CREATE TABLE commits on MySQL, so this migration is not one transaction there: if it is
    // interrupted, the next start finds the tables and resumes indexing (IF NOT EXISTS, and see backfill).
    await queryRunner.createTable(
      new Table({
        name: 'party_search',
        columns: [
          { name: 'party_id', type: int, isPrimary: true },
          { name: 'text', type: longText, collation: binaryCollation },
        ],
        foreignKeys: [toParty('party_search')],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'party_gram',
        columns: [
          { name: 'gram', type: 'varchar', length: '3', collation: binaryCollation, isPrimary: true },
          { name: 'party_id', type: int, isPrimary: true },
        ],
        indices: [new TableIndex({ name: 'ix_party_gram_party', columnNames: ['party_id'] })],
        foreignKeys: [toParty('party_gram')],
      }),
      true,
    );
    await backfill(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('party_gram');
    await queryRunner.dropTable('party_search');
  }
}

/** Indexes every party not indexed yet (one without its `party_search` row, which writeSearchIndex writes last), in batches. */
async function backfill(queryRunner: QueryRunner): Promise<void> {
  for (let after = 0; ;) {
    const parties = (await queryRunner.query(
      'SELECT p.id, p.name, p.description FROM party p WHERE p.id > ? AND NOT EXISTS (SELECT 1 FROM party_search s WHERE s.party_id = p.id) ORDER BY p.id LIMIT ?',
      [after, BACKFILL_BATCH],
    )) as { id: number; name: string; description: string }[];
    if (parties.length === 0) return;
    await writeSearchIndex(queryRunner.manager, parties);
    after = Number(parties[parties.length - 1].id);
  }
}
