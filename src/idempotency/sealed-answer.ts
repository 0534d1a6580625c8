import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/*
 * A stored answer may hold a session token (a replayed sign-in must return the same token), and tokens
 * are kept only as hashes (SPEC §1). So answers are stored sealed: AES-256-GCM under a key derived
 * (HKDF-SHA256) from the Idempotency-Key the client sent, which is itself stored only as a hash. Whoever
 * reads the table cannot open an answer without the client's key; a client should use random keys.
 */

function sealingKey(idempotencyKey: string, scope: string): Buffer {
  return Buffer.from(hkdfSync('sha256', idempotencyKey, scope, 'party-service idempotent answer', 32));
}

/** `iv.tag.ciphertext`, base64url. */
export function seal(answer: unknown, idempotencyKey: string, scope: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(idempotencyKey, scope), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
}

export function open(sealed: string, idempotencyKey: string, scope: string): unknown {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(idempotencyKey, scope), iv);
  decipher.setAuthTag(tag);
  return JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')) as unknown;
}
