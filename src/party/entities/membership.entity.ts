import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JSON_TEXT, LONG_TEXT, TIMESTAMP } from '../../database/column-types';
import { Player } from '../../players/entities/player.entity';
import { Party } from './party.entity';

export enum MemberRole {
  OWNER = 1,
  ADMIN = 2,
  MEMBER = 3,
}

export enum MembershipStatus {
  WAITING = 0,
  ACCEPTED = 1,
}

/** A player's place in a party: a join request (waiting) or an accepted member. One per player and party. */
@Entity({ name: 'membership' })
@Index('uq_membership_party_player', ['partyId', 'playerId'], { unique: true })
@Index('ix_membership_party_status', ['partyId', 'status'])
@Index('ix_membership_player_status', ['playerId', 'status'])
export class Membership {
  /** Grows with every request, so it also orders memberships by who asked first. */
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column({ name: 'party_id', type: 'int' })
  partyId: number;

  @ManyToOne(() => Party, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'party_id', foreignKeyConstraintName: 'fk_membership_party' })
  party?: Party;

  @Column({ name: 'player_id', type: 'int' })
  playerId: number;

  @ManyToOne(() => Player, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'player_id', foreignKeyConstraintName: 'fk_membership_player' })
  player?: Player;

  @Column({ type: 'tinyint' })
  role: MemberRole;

  @Column({ type: 'tinyint' })
  status: MembershipStatus;

  @Column({ type: LONG_TEXT })
  data: string;

  @Column({ type: LONG_TEXT, transformer: JSON_TEXT })
  variables: Record<string, string>;

  @Column({ type: 'simple-json' })
  channels: string[];

  @Column({ type: 'varchar', length: 64, nullable: true })
  team: string | null;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: Date;
}
