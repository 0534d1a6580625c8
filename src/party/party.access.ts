import { Caller } from '../common/caller/caller';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';

/*
 * Who may do what in a party (SPEC §3), as pure rules over the caller and their membership. Both
 * surfaces call the same service, so these hold identically for a player on the Web API and for the
 * trusted server acting as that player.
 */

/** The caller's standing in one party: the trusted server itself, or a player with their membership (if any). */
export type Standing = { kind: 'server' } | { kind: 'player'; playerId: number; membership: Membership | null };

/** Join, leave and "my parties" only make sense for a player. */
export function requirePlayer(caller: Caller): number {
  if (caller.kind !== 'player') throw new DomainError(ErrorCode.PLAYER_REQUIRED, 'this operation needs a player: pass ?player=<id>');
  return caller.playerId;
}

function acceptedRole(standing: Standing): MemberRole | null {
  if (standing.kind !== 'player' || standing.membership?.status !== MembershipStatus.ACCEPTED) return null;
  return standing.membership.role;
}

/** Edit the party, see and decide the waiting list: owner, admins, trusted server. */
export function assertCanManage(standing: Standing): void {
  if (standing.kind === 'server') return;
  const role = acceptedRole(standing);
  if (role !== MemberRole.OWNER && role !== MemberRole.ADMIN) {
    throw new DomainError(ErrorCode.PERMISSION_DENIED, 'only the owner or an admin of the party may do this');
  }
}

/** Transfer ownership: the owner or the trusted server. */
export function assertCanTransferOwnership(standing: Standing): void {
  if (standing.kind === 'server' || acceptedRole(standing) === MemberRole.OWNER) return;
  throw new DomainError(ErrorCode.PERMISSION_DENIED, 'only the owner may transfer ownership');
}
