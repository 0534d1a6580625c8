import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TIMESTAMP } from '../../database/column-types';
import { Player } from '../../players/entities/player.entity';
import { Party } from './party.entity';

/** A player barred from one party: not a member, cannot join or request again until the ban is lifted. */
@Entity({ name: 'party_ban' })
export class PartyBan {
  @PrimaryColumn({ name: 'party_id', type: 'int' })
  partyId: number;

  @PrimaryColumn({ name: 'player_id', type: 'int' })
  playerId: number;

  @ManyToOne(() => Party, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'party_id', foreignKeyConstraintName: 'fk_party_ban_party' })
  party?: Party;

  @ManyToOne(() => Player, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'player_id', foreignKeyConstraintName: 'fk_party_ban_player' })
  player?: Player;

  /** Who banned: a player id, or null for the trusted server. */
  @Column({ name: 'banned_by', type: 'int', nullable: true })
  bannedBy: number | null;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: Date;
}
