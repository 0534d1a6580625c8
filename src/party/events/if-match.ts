import { currentRequestScope } from '../../common/http/request-scope';
import { Party } from '../entities/party.entity';
import { versionMismatch } from '../party.errors';

/**
 * SPEC §7's optimistic concurrency: a write sent with `If-Match` is done only while the party is still
 * at that version (412 VERSION_MISMATCH otherwise, nothing written). Checked under the party's row
 * lock, so two writes sent with the same version cannot both pass. Like an Idempotency-Key it is a
 * precondition of the whole request, so it is read from the request being served rather than threaded
 * through every operation's arguments.
 */
export function assertIfMatch(party: Party): void {
  const header = currentRequestScope()?.request.headers['if-match'];
  if (header === undefined) return;
  if (!matchesVersion(header, party.version)) throw versionMismatch(party, header);
}

/** `"5"` (the ETag a GET answered), `W/"5"`, a bare `5`, `*`, or a list of them. */
export function matchesVersion(header: string, version: number): boolean {
  return header.split(',').some((tag) => {
    const candidate = tag.trim().replace(/^W\//, '');
    return candidate === '*' || candidate === `"${version}"` || candidate === String(version);
  });
}
