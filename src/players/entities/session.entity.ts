import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP } from '../../database/column-types';
import { Player } from './player.entity';

/** A session token, stored only as its SHA-256 hash. */
@Entity({ name: 'session' })
export class Session {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Index('uq_session_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('ix_session_player')
  @Column({ name: 'player_id', type: 'int' })
  playerId: number;

  @ManyToOne(() => Player, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'player_id', foreignKeyConstraintName: 'fk_session_player' })
  player?: Player;

  @Index('ix_session_expires')
  @Column({ name: 'expires_at', ...TIMESTAMP })
  expiresAt: Date;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: Date;

  /** Ended by a ban of its player: answers 403 BANNED while the ban lasts, 401 once it is lifted. */
  @Column({ type: 'boolean', default: false })
  revoked: boolean;
}
