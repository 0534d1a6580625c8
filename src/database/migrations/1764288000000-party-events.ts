import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { dialectOf } from '../dialect';

/**
 * SPEC §7: every party has a version, raised by each committed change, and each change's events are
 * kept, by (party, version), so sockets can be caught up and resumed from the table. No foreign key
 * to `party`: the events of a deleted party (its `party.deleted` last) outlive it until pruned.
 */
export class PartyEvents1764288000000 implements MigrationInterface {
  name = 'PartyEvents1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { longText } = dialectOf(queryRunner.connection.options);
    await queryRunner.addColumn('party', new TableColumn({ name: 'version', type: 'int', default: 1 }));
    await queryRunner.createTable(
      new Table({
        name: 'party_event',
        columns: [
          { name: 'party_id', type: 'int', isPrimary: true },
          { name: 'version', type: 'int', isPrimary: true },
          { name: 'events', type: longText },
          { name: 'moves', type: longText },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'ix_party_event_created', columnNames: ['created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('party_event');
    await queryRunner.dropColumn('party', 'version');
  }
}
