import { Membership, MemberRole, MembershipStatus } from '../entities/membership.entity';

/*
 * SPEC §7's events, and who may see them. Pure: the write side records events and moves with a
 * change, and the realtime side decides each socket's view of it with the same functions, live and
 * when replaying from the table (resume, catch-up).
 */

/** Every event type, in the order a socket receives the events of one change (SPEC §7's table). */
export const EVENT_TYPES = [
  'party.updated',
  'party.deleted',
  'member.joined',
  'member.left',
  'member.kicked',
  'member.banned',
  'ban.lifted',
  'member.updated',
  'owner.changed',
  'request.created',
  'request.accepted',
  'request.rejected',
  'request.withdrawn',
] as const;

export type PartyEventType = (typeof EVENT_TYPES)[number];

export interface PartyEvent {
  type: PartyEventType;
  data: Record<string, unknown>;
}

/** Where a player stands in a party: an accepted member's role, a waiting request, or nowhere (null). */
export type Position = 'owner' | 'admin' | 'member' | 'waiting' | null;

/** A player's position before and after a change, recorded with the change (never sent). */
export interface Move {
  player: number;
  from: Position;
  to: Position;
}

/** One committed change of one party: its version, its events in SPEC order, and whom it moved (creation: none, and the owner in). */
export interface PartyChangeRecord {
  party: number;
  version: number;
  at: string;
  events: PartyEvent[];
  moves: Move[];
}

export function positionOf(membership: Pick<Membership, 'role' | 'status'> | null): Position {
  if (!membership) return null;
  if (membership.status === MembershipStatus.WAITING) return 'waiting';
  return membership.role === MemberRole.OWNER ? 'owner' : membership.role === MemberRole.ADMIN ? 'admin' : 'member';
}

export function isAccepted(position: Position): boolean {
  return position === 'owner' || position === 'admin' || position === 'member';
}

function isManager(position: Position): boolean {
  return position === 'owner' || position === 'admin';
}

/** The player a membership-carrying event is about (its `membership.player`, or a ban's `player`). */
function subjectOf(event: PartyEvent): number | undefined {
  const membership = event.data.membership as { player?: number } | null | undefined;
  return membership?.player ?? (event.data.player as number | undefined);
}

function membershipStatusOf(event: PartyEvent): MembershipStatus | undefined {
  return (event.data.membership as { status?: MembershipStatus } | null | undefined)?.status;
}

/**
 * Whether `player`, standing at `position`, may see `event`. Accepted members see the party's life;
 * the waiting list (requests, and changes to a waiting membership or a ban of a non-member) is for
 * the owner and admins, and for the requester where it is their own; `party.deleted` is for everyone
 * with a membership.
 */
export function maySee(event: PartyEvent, player: number, position: Position): boolean {
  const own = subjectOf(event) === player;
  switch (event.type) {
    case 'party.deleted':
      return position !== null;
    case 'party.updated':
    case 'member.joined':
    case 'member.left':
    case 'member.kicked':
    case 'owner.changed':
      return isAccepted(position);
    case 'member.banned':
      // A member's ban is the party's news; a requester's or an outsider's belongs to the waiting list.
      return own || (membershipStatusOf(event) === MembershipStatus.ACCEPTED ? isAccepted(position) : isManager(position));
    case 'member.updated':
      return membershipStatusOf(event) === MembershipStatus.ACCEPTED ? isAccepted(position) : isManager(position);
    case 'ban.lifted':
      return isManager(position);
    case 'request.created':
    case 'request.accepted':
    case 'request.rejected':
    case 'request.withdrawn':
      return own || isManager(position);
  }
}

/** What one player's socket receives of one change: its visible events, or a `hidden` marker, or nothing. */
export interface PlayerView {
  events: PartyEvent[];
  /** True when nothing is visible but the player is (or was, until this change) an accepted member: they get a `hidden` marker. */
  hidden: boolean;
  /** Where the player stands after the change (null: they get nothing of the party after it). */
  after: Position;
}

/**
 * A player's view of one change, standing at `current` before it (as the socket tracked it). The
 * change's own moves say better where a moved player stood: a player who joins sees the change that
 * let them in, and one who leaves, is kicked or banned sees the change that removed them.
 */
export function viewOf(record: PartyChangeRecord, player: number, current: Position): PlayerView {
  const moves = record.moves.filter((move) => move.player === player);
  const before = moves.length > 0 ? moves[0].from : current;
  const deleted = record.events.some((event) => event.type === 'party.deleted');
  const after = deleted ? null : moves.length > 0 ? moves[moves.length - 1].to : current;
  const events = record.events.filter((event) => maySee(event, player, before) || maySee(event, player, after));
  const hidden = record.events.length > 0 && events.length === 0 && (isAccepted(before) || isAccepted(after));
  return { events, hidden, after };
}

/** Where a player stood just before `records` (consecutive changes): the first move of theirs says; else where they stand now. */
export function positionBefore(records: PartyChangeRecord[], player: number, now: Position): Position {
  for (const record of records) {
    const move = record.moves.find((candidate) => candidate.player === player);
    if (move) return move.from;
  }
  return now;
}
