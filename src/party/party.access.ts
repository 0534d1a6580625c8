import { Caller } from '../auth/caller';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { permissionDenied, playerRequired } from './party.errors';

/*
 * Who may do what in a party (SPEC §3), as pure rules over the caller and their membership. Both
 * surfaces call the same service, so these hold identically for a player on the Web API and for the
 * trusted server acting as that player.
 */

/** The caller's standing in one party: the trusted server itself, or a player with their membership (if any). */
export type Standing = { kind: 'server' } | { kind: 'player'; playerId: number; membership: Membership | null };

/** What a caller is in one party, given the caller's membership there (null for the server, or a player with none). */
export function standingOf(caller: Caller, membership: Membership | null): Standing {
  return caller.kind === 'server' ? caller : { kind: 'player', playerId: caller.playerId, membership };
}

/** A permission check over a standing; throws PERMISSION_DENIED (or PLAYER_REQUIRED) when it does not hold. */
export type Permission = (standing: Standing) => void;

/** Join, leave and "my parties" only make sense for a player. */
export function requirePlayer(caller: Caller): number {
  if (caller.kind !== 'player') throw playerRequired();
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
  if (role !== MemberRole.OWNER && role !== MemberRole.ADMIN) throw permissionDenied('only the owner or an admin of the party may do this');
}

/** Transfer ownership, promote or demote, disband: the owner or the trusted server. */
export function assertOwnerOrServer(standing: Standing, action: string): void {
  if (standing.kind === 'server' || acceptedRole(standing) === MemberRole.OWNER) return;
  throw permissionDenied(`only the owner may ${action}`);
}

/** No check beyond the operation's own (leaving needs only the caller's own membership). */
export const anyone: Permission = () => undefined;

/**
 * Kick or ban `target` (their membership, or null for a player outside the party): the trusted
 * server anyone; the owner anyone but themselves; an admin plain members and outsiders only.
 */
export function assertCanRemove(standing: Standing, targetPlayerId: number, target: Membership | null): void {
  if (standing.kind === 'server') return;
  assertCanManage(standing);
  if (standing.playerId === targetPlayerId) throw permissionDenied('you cannot remove yourself; leave the party instead');
  if (acceptedRole(standing) === MemberRole.OWNER || target === null || target.role === MemberRole.MEMBER) return;
  throw permissionDenied('an admin may remove only plain members');
}

/** A membership's own data and variables: the member, or the trusted server acting as itself. */
export function assertCanEditMemberData(standing: Standing, targetPlayerId: number): void {
  if (standing.kind === 'server' || standing.playerId === targetPlayerId) return;
  throw permissionDenied("only the member may change their membership's data and variables");
}
