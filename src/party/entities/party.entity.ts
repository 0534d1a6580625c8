import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { JSON_TEXT, LONG_TEXT, TIMESTAMP } from '../../database/column-types';

@Entity({ name: 'party' })
export class Party {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  /** `desc` in the API; DESC is a reserved word in SQL. */
  @Column({ name: 'description', type: 'varchar', length: 2000, default: '' })
  description: string;

  @Column({ type: 'varchar', length: 2048, default: '' })
  image: string;

  @Column({ name: 'max_member_count', type: 'int' })
  maxMemberCount: number;

  /** Accepted memberships, the owner included; changed only inside the party's row lock. */
  @Column({ name: 'member_count', type: 'int', default: 0 })
  memberCount: number;

  @Column({ name: 'is_private', type: 'boolean', default: false })
  isPrivate: boolean;

  @Column({ type: 'simple-json' })
  teams: string[];

  @Column({ type: 'simple-json' })
  channels: string[];

  @Column({ type: LONG_TEXT })
  data: string;

  @Column({ type: LONG_TEXT, transformer: JSON_TEXT })
  variables: Record<string, string>;

  /** The owning player's id; null for a party the trusted server created for nobody. */
  @Index('ix_party_owner')
  @Column({ name: 'owner_id', type: 'int', nullable: true })
  ownerId: number | null;

  /** 1 at creation, raised by 1 by each committed change to the party, its memberships or its bans (SPEC §7). */
  @Column({ type: 'int', default: 1 })
  version: number;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: Date;
}
