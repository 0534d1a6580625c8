import { applyDecorators, Type, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ErrorCode, ErrorCode as E } from '../../common/errors/error-code';
import { ApiErrors } from '../../common/openapi/api-errors';
import { ApiPage, ApiRemoved, ApiRow } from '../../common/openapi/envelopes';
import { TRUSTED_AUTH_ERRORS, WEB_AUTH_ERRORS } from '../../auth/auth.decorators';
import { BanView, MemberView, MembershipView, PartyView } from '../party.views';
import { PartyETag } from './party-etag.interceptor';

/** One of the two ways into the same operations, as its documentation tells them apart. */
export interface Surface {
  /** Prefix of the operation ids. */
  id: 'Web' | 'Trusted';
  /** Errors every route of the surface may answer with (its guards'). */
  authErrors: ErrorCode[];
}

export const WEB: Surface = { id: 'Web', authErrors: WEB_AUTH_ERRORS };
export const TRUSTED: Surface = { id: 'Trusted', authErrors: TRUSTED_AUTH_ERRORS };

interface OperationDoc {
  summary: string;
  description: string;
  response: { envelope: 'row' | 'page' | 'removed'; model: Type<unknown> };
  errors: E[];
  params?: ('partyId' | 'membershipId' | 'playerId')[];
  /** Answers the party as it now is, with `ETag: "<version>"`. */
  etag?: true;
  /** A write to an existing party: takes `If-Match` (412 VERSION_MISMATCH). */
  conditional?: true;
}

const MANAGERS = 'the owner, an admin, or the trusted server acting as itself';
const OWNER = 'the owner, or the trusted server acting as itself';

/** What each party operation does, documented once for both surfaces (SPEC §3). */
export const PARTY_OPERATIONS = {
  create: {
    summary: 'Create a party',
    description: 'The creator becomes the owner with an accepted membership. On the Trusted API without `player`, the party has no owner.',
    response: { envelope: 'row', model: PartyView },
    errors: [E.VALIDATION_FAILED, E.PAYLOAD_TOO_LARGE],
  },
  search: {
    summary: 'List or search parties',
    description: 'Newest first. `query` is a case-insensitive substring of the name or description.',
    response: { envelope: 'page', model: PartyView },
    errors: [E.VALIDATION_FAILED],
  },
  mine: {
    summary: "The player's parties",
    description: "Parties where the player's membership is accepted, newest first. Needs a player.",
    response: { envelope: 'page', model: PartyView },
    errors: [E.VALIDATION_FAILED, E.PLAYER_REQUIRED],
  },
  get: {
    etag: true,
    summary: 'Get a party',
    description: 'Anyone authenticated.',
    response: { envelope: 'row', model: PartyView },
    errors: [E.VALIDATION_FAILED, E.PARTY_NOT_FOUND],
    params: ['partyId'],
  },
  members: {
    summary: 'List members',
    description: 'Accepted members: the owner first, then by who joined first.',
    response: { envelope: 'page', model: MemberView },
    errors: [E.VALIDATION_FAILED, E.PARTY_NOT_FOUND],
    params: ['partyId'],
  },
  waiting: {
    summary: 'List the waiting list',
    description: `Join requests, oldest first. For ${MANAGERS}.`,
    response: { envelope: 'page', model: MembershipView },
    errors: [E.VALIDATION_FAILED, E.PARTY_NOT_FOUND, E.PERMISSION_DENIED],
    params: ['partyId'],
  },
  join: {
    conditional: true,
    summary: 'Join a party',
    description: 'Public party: accepted at once (409 PARTY_FULL when full). Private party: a waiting join request. Needs a player.',
    response: { envelope: 'row', model: MembershipView },
    errors: [E.VALIDATION_FAILED, E.PLAYER_REQUIRED, E.INVALID_TEAM, E.INVALID_CHANNELS, E.PARTY_NOT_FOUND, E.ALREADY_MEMBER, E.PARTY_FULL],
    params: ['partyId'],
  },
  edit: {
    conditional: true,
    etag: true,
    summary: 'Edit a party',
    description:
      `For ${MANAGERS}. Changes only the fields given; a field given replaces that field whole. ` +
      '`owner` transfers ownership to an accepted member (owner or trusted server only). Removing a team or channel clears it from memberships.',
    response: { envelope: 'row', model: PartyView },
    errors: [E.VALIDATION_FAILED, E.INVALID_OWNER, E.PERMISSION_DENIED, E.PARTY_NOT_FOUND, E.CAPACITY_BELOW_MEMBERS, E.PAYLOAD_TOO_LARGE],
    params: ['partyId'],
  },
  leave: {
    conditional: true,
    summary: 'Leave a party (or withdraw a join request)',
    description: 'An owner leaving hands ownership to the longest-standing admin, else member; with nobody left the party is deleted. Needs a player.',
    response: { envelope: 'removed', model: MembershipView },
    errors: [E.VALIDATION_FAILED, E.PLAYER_REQUIRED, E.PARTY_NOT_FOUND, E.MEMBERSHIP_NOT_FOUND],
    params: ['partyId'],
  },
  accept: {
    conditional: true,
    summary: 'Accept a join request',
    description: `For ${MANAGERS}. Only a waiting membership of this party.`,
    response: { envelope: 'row', model: MembershipView },
    errors: [E.VALIDATION_FAILED, E.PERMISSION_DENIED, E.PARTY_NOT_FOUND, E.MEMBERSHIP_NOT_FOUND, E.PARTY_FULL],
    params: ['partyId', 'membershipId'],
  },
  reject: {
    conditional: true,
    summary: 'Reject a join request',
    description: `For ${MANAGERS}. Only a waiting membership of this party; deletes it.`,
    response: { envelope: 'removed', model: MembershipView },
    errors: [E.VALIDATION_FAILED, E.PERMISSION_DENIED, E.PARTY_NOT_FOUND, E.MEMBERSHIP_NOT_FOUND],
    params: ['partyId', 'membershipId'],
  },
  setMyData: {
    conditional: true,
    summary: "Set my membership's data and variables",
    description: 'The calling player sets `data` and/or `variables` of their own membership (accepted or waiting). Same limits as a party. Needs a player.',
    response: { envelope: 'row', model: MembershipView },
    errors: [E.VALIDATION_FAILED, E.PLAYER_REQUIRED, E.PARTY_NOT_FOUND, E.MEMBERSHIP_NOT_FOUND],
    params: ['partyId'],
  },
  setMemberData: {
    conditional: true,
    summary: "Set a membership's data and variables",
    description: "Only the member themselves, or the trusted server acting as itself, may change a membership's data and variables.",
    response: { envelope: 'row', model: MembershipView },
    errors: [E.VALIDATION_FAILED, E.PERMISSION_DENIED, E.PARTY_NOT_FOUND, E.MEMBERSHIP_NOT_FOUND],
    params: ['partyId', 'playerId'],
  },
  setRole: {
    conditional: true,
    summary: 'Promote or demote a member',
    description: `For ${OWNER}: \`role\` 2 makes an accepted member an admin, 3 makes an admin a member. The owner's role changes only by transfer.`,
    response: { envelope: 'row', model: MembershipView },
    errors: [E.VALIDATION_FAILED, E.PERMISSION_DENIED, E.PARTY_NOT_FOUND, E.MEMBERSHIP_NOT_FOUND],
    params: ['partyId', 'playerId'],
  },
  kick: {
    conditional: true,
    summary: 'Remove a member',
    description:
      'The owner removes any member but themselves; an admin removes plain members only; the trusted server anyone (removing the owner hands ownership over, as leaving does). Returns the removed membership.',
    response: { envelope: 'removed', model: MembershipView },
    errors: [E.VALIDATION_FAILED, E.PERMISSION_DENIED, E.PARTY_NOT_FOUND, E.MEMBERSHIP_NOT_FOUND],
    params: ['partyId', 'playerId'],
  },
  bans: {
    summary: 'List bans',
    description: `Players banned from the party, oldest first. For ${MANAGERS}.`,
    response: { envelope: 'page', model: BanView },
    errors: [E.VALIDATION_FAILED, E.PARTY_NOT_FOUND, E.PERMISSION_DENIED],
    params: ['partyId'],
  },
  ban: {
    conditional: true,
    summary: 'Ban a player from the party',
    description:
      `For ${MANAGERS}; admins cannot ban admins or the owner, and nobody bans themselves. The player's membership or join request is removed, ` +
      'and they cannot join or request again until unbanned (403 PERMISSION_DENIED). Banning twice keeps the first ban.',
    response: { envelope: 'row', model: BanView },
    errors: [E.VALIDATION_FAILED, E.PERMISSION_DENIED, E.PARTY_NOT_FOUND, E.PLAYER_NOT_FOUND],
    params: ['partyId', 'playerId'],
  },
  unban: {
    conditional: true,
    summary: 'Lift a ban',
    description: `For ${MANAGERS}.`,
    response: { envelope: 'removed', model: BanView },
    errors: [E.VALIDATION_FAILED, E.PERMISSION_DENIED, E.PARTY_NOT_FOUND, E.BAN_NOT_FOUND],
    params: ['partyId', 'playerId'],
  },
  disband: {
    conditional: true,
    summary: 'Disband a party',
    description: `For ${OWNER}. Deletes the party with all its memberships, join requests and bans; returns the party as it was.`,
    response: { envelope: 'row', model: PartyView },
    errors: [E.VALIDATION_FAILED, E.PERMISSION_DENIED, E.PARTY_NOT_FOUND],
    params: ['partyId'],
  },
} satisfies Record<string, OperationDoc>;

export type PartyOperationName = keyof typeof PARTY_OPERATIONS;

const idParam = (name: string) => ApiParam({ name, schema: { type: 'integer', format: 'int32', minimum: 1 } });

const ENVELOPES = { row: ApiRow, page: ApiPage, removed: ApiRemoved };

const ETAG_HEADER = { ETag: { description: 'The party\'s version, quoted (`"5"`): send it back as If-Match.', schema: { type: 'string' } } };

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description:
    'The party\'s version as a GET\'s `ETag` gave it (`"5"`): the write is done only while the party is still at that version, else 412 VERSION_MISMATCH and nothing is written.',
});

/** The OpenAPI description of one operation on one surface. */
export function PartyOperation(surface: Surface, name: PartyOperationName): MethodDecorator {
  const doc: OperationDoc = PARTY_OPERATIONS[name];
  const response = doc.etag ? ApiRow(doc.response.model, 'The row.', ETAG_HEADER) : ENVELOPES[doc.response.envelope](doc.response.model);
  return applyDecorators(
    ApiOperation({ summary: doc.summary, description: doc.description }),
    ...(doc.params ?? []).map(idParam),
    ...(doc.conditional ? [IF_MATCH] : []),
    ...(doc.etag ? [UseInterceptors(PartyETag)] : []),
    response,
    ApiErrors(...surface.authErrors, ...doc.errors, ...(doc.conditional ? [E.VERSION_MISMATCH] : [])),
  );
}
