import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { dialectOf } from '../dialect';

/** The first answer to each write sent with an Idempotency-Key, kept 24 h (SPEC §8): by key hash, the answer sealed. */
export class IdempotencyRecords1764115200000 implements MigrationInterface {
  name = 'IdempotencyRecords1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { longText } = dialectOf(queryRunner.connection.options);
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_record',
        columns: [
          { name: 'scope', type: 'varchar', length: '80', isPrimary: true },
          { name: 'key_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'response', type: longText },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'ix_idempotency_record_created', columnNames: ['created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_record');
  }
}
