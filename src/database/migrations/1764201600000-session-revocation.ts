import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Sessions end (SPEC §1): a ban marks all of a player's sessions revoked (403 while it lasts, 401
 * after), and expired sessions are purged in batches, found through an index on their expiry.
 */
export class SessionRevocation1764201600000 implements MigrationInterface {
  name = 'SessionRevocation1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('session', new TableColumn({ name: 'revoked', type: 'boolean', default: 0 }));
    await queryRunner.createIndex('session', new TableIndex({ name: 'ix_session_expires', columnNames: ['expires_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('session', 'ix_session_expires');
    await queryRunner.dropColumn('session', 'revoked');
  }
}
