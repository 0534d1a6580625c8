import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { LONG_TEXT, TIMESTAMP } from '../database/column-types';

/** The first answer to a write sent with an Idempotency-Key (SPEC §8), kept 24 h for its retries. */
@Entity({ name: 'idempotency_record' })
@Index('ix_idempotency_record_created', ['createdAt'])
export class IdempotencyRecord {
  /** Whose key it is: `player:<id>`, `server:<key id>`, or `guest:<address>` for guest sign-in. */
  @PrimaryColumn({ type: 'varchar', length: 80 })
  scope: string;

  @PrimaryColumn({ name: 'idem_key', type: 'varchar', length: 128 })
  key: string;

  /** SHA-256 of the method, the path (with its query) and the body: a retry must send the same request. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ type: 'smallint' })
  status: number;

  /** The answer's body as JSON. */
  @Column({ type: LONG_TEXT })
  response: string;

  @Column({ name: 'created_at', ...TIMESTAMP })
  createdAt: Date;
}
