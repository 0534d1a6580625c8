/*
 * SPEC §7's socket protocol: what a client may send, checked by hand. The messages are four small
 * shapes; class-validator's pipeline would be more code than the checks themselves.
 */

export type Inbound =
  | { type: 'auth'; token: string }
  | { type: 'resume'; party: number; since: number }
  | { type: 'subscribe' | 'unsubscribe'; parties: number[] }
  | { type: 'subscribe' | 'unsubscribe'; all: true };

/** At most this many parties in one subscribe or unsubscribe (a 4 KiB message holds fewer anyway). */
const MAX_PARTIES_PER_MESSAGE = 500;
const INT32_MAX = 2 ** 31 - 1;

const isId = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= INT32_MAX;

/** The message, or why it is not one (answered `{"type": "error", "code": "VALIDATION_FAILED", "message": ...}`). */
export function parseInbound(text: string): Inbound | { invalid: string } {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { invalid: 'a message must be a JSON object' };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { invalid: 'a message must be a JSON object' };
  const fields = message as Record<string, unknown>;
  switch (fields.type) {
    case 'auth':
      if (typeof fields.token !== 'string' || fields.token.length === 0) return { invalid: 'auth needs a string token' };
      return { type: 'auth', token: fields.token };
    case 'resume':
      if (!isId(fields.party)) return { invalid: 'party must be a positive int32 party id' };
      if (!Number.isInteger(fields.since) || (fields.since as number) < 0 || (fields.since as number) > INT32_MAX) {
        return { invalid: 'since must be a version (an integer, 0 or more)' };
      }
      return { type: 'resume', party: fields.party, since: fields.since as number };
    case 'subscribe':
    case 'unsubscribe':
      if (fields.all === true && fields.parties === undefined) return { type: fields.type, all: true };
      if (!Array.isArray(fields.parties) || fields.parties.length === 0 || fields.parties.length > MAX_PARTIES_PER_MESSAGE || !fields.parties.every(isId)) {
        return { invalid: `${fields.type} needs "all": true or "parties": 1..${MAX_PARTIES_PER_MESSAGE} positive int32 party ids` };
      }
      return { type: fields.type, parties: [...new Set(fields.parties)] };
    default:
      return { invalid: `unknown message type ${JSON.stringify(fields.type ?? null)}` };
  }
}

/** Close codes (SPEC §7). */
export const CLOSE = {
  GOING_AWAY: 1001,
  TOO_BIG: 1009,
  TRY_AGAIN_LATER: 1013,
  UNAUTHENTICATED: 4401,
  BANNED: 4403,
  TOO_MANY_SOCKETS: 4409,
  RATE_LIMITED: 4429,
} as const;
