import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { LONG_TEXT, TIMESTAMP } from '../database/column-types';

/** The first answer to a write sent with an Idempotency-Key (SPEC §8), kept 24 h for its retries. */
@Entity({ name: 'idempotency_record' })
@Index('ix_idempotency_record_created', ['createdAt'])
export class IdempotencyRecord {
  /** Whose key it is: `player:<id>`, `server`, or `guest:<address>` for guest sign-in. */
  @PrimaryColumn({ type: 'varchar', length: 80 })
  scope: string;

  /** SHA-256 of the key (hex): the key itself is never stored, and case always counts. */
  @PrimaryColumn({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  /** SHA-256 of the method, the path (with its query) and the body: a retry must send the same request. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  /**
   * The first answer's body, sealed (AES-256-GCM) with a key derived from the Idempotency-Key, which only
   * the client holds: the session token of a replayed sign-in is unreadable in the table. '' while the
   * write that claimed it has not committed.
   */
  @Column({ type: LONG_TEXT })
  response: string;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: Date;
}
