import { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../dialect';

/**
 * `variables` may hold about 160 KB of UTF-8 JSON (50 values of 1,024 characters): MEDIUMTEXT on
 * MySQL, where TEXT stops at 64 KiB. sql.js's TEXT has no limit, so nothing changes there.
 */
export class LongVariables1763949600000 implements MigrationInterface {
  name = 'LongVariables1763949600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (dialectOf(queryRunner.connection.options).embedded) return;
    await queryRunner.query('ALTER TABLE `party` MODIFY `variables` mediumtext NOT NULL');
    await queryRunner.query('ALTER TABLE `membership` MODIFY `variables` mediumtext NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (dialectOf(queryRunner.connection.options).embedded) return;
    await queryRunner.query('ALTER TABLE `party` MODIFY `variables` text NOT NULL');
    await queryRunner.query('ALTER TABLE `membership` MODIFY `variables` text NOT NULL');
  }
}
