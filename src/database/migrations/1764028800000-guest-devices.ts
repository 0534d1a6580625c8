import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Guest sign-in with a `device_id` signs in the same guest player every time (SPEC §1). The device id
 * is that guest's credential, so only its SHA-256 is kept, unique per player.
 */
export class GuestDevices1764028800000 implements MigrationInterface {
  name = 'GuestDevices1764028800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('player', new TableColumn({ name: 'device_hash', type: 'varchar', length: '64', isNullable: true }));
    await queryRunner.createIndex('player', new TableIndex({ name: 'uq_player_device_hash', columnNames: ['device_hash'], isUnique: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('player', 'uq_player_device_hash');
    await queryRunner.dropColumn('player', 'device_hash');
  }
}
