import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';
import { dialectOf } from '../dialect';

/**
 * Players, sessions, parties and memberships. Written with TypeORM's schema builder, not raw SQL, so the
 * same migration runs on MySQL/MariaDB and on the embedded sql.js database.
 */
export class InitialSchema1763776800000 implements MigrationInterface {
  name = 'InitialSchema1763776800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { int, longText } = dialectOf(queryRunner.connection.options);
    const id: TableColumnOptions = { name: 'id', type: int, isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
    const timestamp = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable });
    const text = (name: string, length: number, isNullable = false): TableColumnOptions =>
      isNullable ? { name, type: 'varchar', length: String(length), isNullable } : { name, type: 'varchar', length: String(length), default: "''" };
    const flag = (name: string): TableColumnOptions => ({ name, type: 'boolean', default: 0 });

    await queryRunner.createTable(
      new Table({
        name: 'player',
        columns: [
          id,
          text('name', 128),
          text('image', 2048),
          text('username', 64, true),
          text('label', 128),
          text('tags', 1024),
          flag('is_ban'),
          flag('is_tester'),
          flag('is_guest'),
          timestamp('first_login', true),
          timestamp('last_login', true),
          timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'uq_player_username', columnNames: ['username'], isUnique: true })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'session',
        columns: [
          id,
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'player_id', type: int },
          timestamp('expires_at'),
          timestamp('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_session_token_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'ix_session_player', columnNames: ['player_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_session_player',
            columnNames: ['player_id'],
            referencedTableName: 'player',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'party',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '128' },
          text('description', 2000),
          text('image', 2048),
          { name: 'max_member_count', type: int },
          { name: 'member_count', type: int, default: 0 },
          flag('is_private'),
          { name: 'teams', type: 'text' },
          { name: 'channels', type: 'text' },
          { name: 'data', type: longText },
          { name: 'variables', type: 'text' },
          { name: 'owner_id', type: int, isNullable: true },
          timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_party_owner', columnNames: ['owner_id'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'membership',
        columns: [
          id,
          { name: 'party_id', type: int },
          { name: 'player_id', type: int },
          { name: 'role', type: 'tinyint' },
          { name: 'status', type: 'tinyint' },
          { name: 'data', type: longText },
          { name: 'variables', type: 'text' },
          { name: 'channels', type: 'text' },
          text('team', 64, true),
          timestamp('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_membership_party_player', columnNames: ['party_id', 'player_id'], isUnique: true }),
          new TableIndex({ name: 'ix_membership_party_status', columnNames: ['party_id', 'status'] }),
          new TableIndex({ name: 'ix_membership_player_status', columnNames: ['player_id', 'status'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_membership_party',
            columnNames: ['party_id'],
            referencedTableName: 'party',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          }),
          new TableForeignKey({
            name: 'fk_membership_player',
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
    for (const table of ['membership', 'party', 'session', 'player']) await queryRunner.dropTable(table);
  }
}
