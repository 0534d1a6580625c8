import { ApiProperty, OmitType } from '@nestjs/swagger';
import { ApiInt } from '../common/openapi/envelopes';
import { playerFields, PlayerView } from '../players/player.view';
import { Player } from '../players/entities/player.entity';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { PartyBan } from './entities/party-ban.entity';
import { Party } from './entities/party.entity';

/*
 * Response shapes (SPEC §2). Entities never go over the wire; the seeds' quirks live here:
 * teams and channels leave as strings holding a JSON array.
 */

const stringMap = { type: 'object', additionalProperties: { type: 'string' }, example: { mode: 'ranked' } } as const;
const jsonArrayString = (example: string[]) => ({ type: String, description: 'A JSON array in a string', example: JSON.stringify(example) });

/** Roles and statuses are numbers on the wire (as the seeds have them); the document names them. */
const ROLE = ApiProperty({
  type: 'integer',
  enum: MemberRole,
  enumName: 'MemberRole',
  description: '1 = owner, 2 = admin, 3 = member',
});
const STATUS = ApiProperty({
  type: 'integer',
  enum: MembershipStatus,
  enumName: 'MembershipStatus',
  description: '0 = waiting (a join request), 1 = accepted',
});

export class PartyView {
  @ApiInt({ example: 1 }) id: number;
  @ApiProperty({ example: 'Friday raid' }) name: string;
  @ApiProperty({ example: '' }) desc: string;
  @ApiProperty({ example: '' }) image: string;
  @ApiInt({ example: 5 }) max_member_count: number;
  @ApiProperty() is_private: boolean;
  @ApiProperty(jsonArrayString(['red', 'blue'])) teams: string;
  @ApiProperty(jsonArrayString(['general'])) channels: string;
  @ApiProperty({ example: '' }) data: string;
  @ApiProperty(stringMap) variables: Record<string, string>;
  @ApiInt({ example: 1, description: 'Owning player id; 0 for a party the trusted server created for nobody.' }) owner: number;
  @ApiInt({ example: 1, description: 'Accepted members, the owner included.' }) member_count: number;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiInt({
    example: 1,
    description:
      "1 at creation, raised by 1 by each committed change to the party, its memberships or its bans; the GET's `ETag` and the writes' `If-Match` (SPEC §7).",
  })
  version: number;
}

export class MembershipView {
  @ApiInt({ example: 7 }) id: number;
  @ApiInt({ example: 1 }) party: number;
  @ApiInt({ example: 3 }) player: number;
  @ROLE role: MemberRole;
  @STATUS status: MembershipStatus;
  @ApiProperty({ example: '' }) data: string;
  @ApiProperty(stringMap) variables: Record<string, string>;
  @ApiProperty(jsonArrayString(['general'])) channels: string;
  @ApiProperty({ type: String, nullable: true, example: 'red' }) team: string | null;
}

/** An item of `/members`: the player's fields (`id` is the player's) and the membership's, with its id as `membership`. */
export class MemberView extends OmitType(PlayerView, ['created_at'] as const) {
  @ROLE role: MemberRole;
  @STATUS status: MembershipStatus;
  @ApiProperty() data: string;
  @ApiProperty(stringMap) variables: Record<string, string>;
  @ApiProperty(jsonArrayString(['general'])) channels: string;
  @ApiProperty({ type: String, nullable: true }) team: string | null;
  @ApiInt({ example: 7, description: 'The membership id' }) membership: number;
}

export function toPartyView(party: Party): PartyView {
  return {
    id: party.id,
    name: party.name,
    desc: party.description,
    image: party.image,
    max_member_count: party.maxMemberCount,
    is_private: party.isPrivate,
    teams: JSON.stringify(party.teams),
    channels: JSON.stringify(party.channels),
    data: party.data,
    variables: party.variables,
    owner: party.ownerId ?? 0,
    member_count: party.memberCount,
    created_at: party.createdAt.toISOString(),
    version: party.version,
  };
}

export function toMembershipView(membership: Membership): MembershipView {
  return { id: membership.id, party: membership.partyId, player: membership.playerId, ...membershipFields(membership) };
}

/** The membership's own fields, shown on memberships and on members. */
function membershipFields(membership: Membership): Pick<MembershipView, 'role' | 'status' | 'data' | 'variables' | 'channels' | 'team'> {
  return {
    role: membership.role,
    status: membership.status,
    data: membership.data,
    variables: membership.variables,
    channels: JSON.stringify(membership.channels),
    team: membership.team,
  };
}

export function toMemberView(membership: Membership & { player: Player }): MemberView {
  // Object.assign onto a fresh object, not a two-source spread: V8 builds that one property at a time
  // through its runtime, 7× slower; with 50 members a page it was an eighth of the page's CPU.
  return Object.assign(playerFields(membership.player), membershipFields(membership), { membership: membership.id });
}

export class BanView {
  @ApiInt({ example: 1 }) party: number;
  @ApiInt({ example: 3 }) player: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Who banned: a player id, or null for the trusted server' }) banned_by: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
}

export function toBanView(ban: PartyBan): BanView {
  return { party: ban.partyId, player: ban.playerId, banned_by: ban.bannedBy, created_at: ban.createdAt.toISOString() };
}
