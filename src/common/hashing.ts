import { createHash } from 'node:crypto';

/** SHA-256 as hex: how credentials (session tokens, guest device ids, Idempotency-Keys) are stored. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
