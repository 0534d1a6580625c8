import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';
import { dialectOf } from '../dialect';

/** Bans from a party (moderation). */
export class PartyBans1763863200000 implements MigrationInterface {
  name = 'PartyBans1763863200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { int } = dialectOf(queryRunner.connection.options);
    await queryRunner.createTable(
      new Table({
        name: 'party_ban',
        columns: [
          { name: 'party_id', type: int, isPrimary: true },
          { name: 'player_id', type: int, isPrimary: true },
          { name: 'banned_by', type: int, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_party_ban_party',
            columnNames: ['party_id'],
            referencedTableName: 'party',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
          new TableForeignKey({
            name: 'fk_party_ban_player',
            columnNames: ['player_id'],
            referencedTableName: 'player',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('party_ban');
  }
}
