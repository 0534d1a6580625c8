import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP } from '../../database/column-types';

@Entity({ name: 'player' })
export class Player {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'varchar', length: 128, default: '' })
  name: string;

  @Column({ type: 'varchar', length: 2048, default: '' })
  image: string;

  @Index('uq_player_username', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  username: string | null;

  @Column({ type: 'varchar', length: 128, default: '' })
  label: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  tags: string;

  @Column({ name: 'is_ban', type: 'boolean', default: false })
  isBan: boolean;

  @Column({ name: 'is_tester', type: 'boolean', default: false })
  isTester: boolean;

  @Column({ name: 'is_guest', type: 'boolean', default: false })
  isGuest: boolean;

  @Column({ name: 'first_login', ...TIMESTAMP, nullable: true })
  firstLogin: Date | null;

  @Column({ name: 'last_login', ...TIMESTAMP, nullable: true })
  lastLogin: Date | null;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: Date;

  /** SHA-256 of the device id a guest signs in with (its credential); null for every other player. Never shown. */
  @Index('uq_player_device_hash', { unique: true })
  @Column({ name: 'device_hash', type: 'varchar', length: 64, nullable: true })
  deviceHash: string | null;
}
