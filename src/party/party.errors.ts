import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { Party } from './entities/party.entity';

/** The errors of the party module, in one place. */

export const partyNotFound = (partyId: number) => new DomainError(ErrorCode.PARTY_NOT_FOUND, `party ${partyId} does not exist`);

export const notInParty = (partyId: number, playerId: number) =>
  new DomainError(ErrorCode.MEMBERSHIP_NOT_FOUND, `player ${playerId} is not in party ${partyId}`);

export const notAMember = (partyId: number, playerId: number) =>
  new DomainError(ErrorCode.MEMBERSHIP_NOT_FOUND, `player ${playerId} is not a member of party ${partyId}`);

export const noWaitingRequest = (partyId: number, membershipId: number) =>
  new DomainError(ErrorCode.MEMBERSHIP_NOT_FOUND, `no waiting join request ${membershipId} in party ${partyId}`);

export const alreadyMember = (partyId: number, playerId: number) =>
  new DomainError(ErrorCode.ALREADY_MEMBER, `player ${playerId} already has a membership in party ${partyId}`);

export const partyFull = (party: Party) => new DomainError(ErrorCode.PARTY_FULL, `party ${party.id} is full (${party.maxMemberCount} members)`);

export const capacityBelowMembers = (party: Party, maxMemberCount: number) =>
  new DomainError(ErrorCode.CAPACITY_BELOW_MEMBERS, `party ${party.id} has ${party.memberCount} members, more than ${maxMemberCount}`);

export const invalidTeam = (team: string, party: Party) =>
  new DomainError(ErrorCode.INVALID_TEAM, `team "${team}" is not one of the party's teams ${JSON.stringify(party.teams)}`);

export const invalidChannels = (channels: string[], party: Party) =>
  new DomainError(ErrorCode.INVALID_CHANNELS, `${JSON.stringify(channels)} not among the party's channels ${JSON.stringify(party.channels)}`);

export const invalidOwner = (partyId: number, playerId: number) =>
  new DomainError(ErrorCode.INVALID_OWNER, `player ${playerId} is not an accepted member of party ${partyId}`);

export const bannedFromParty = (partyId: number, playerId: number) =>
  new DomainError(ErrorCode.PERMISSION_DENIED, `player ${playerId} is banned from party ${partyId}`);

export const banNotFound = (partyId: number, playerId: number) =>
  new DomainError(ErrorCode.BAN_NOT_FOUND, `player ${playerId} is not banned from party ${partyId}`);

export const permissionDenied = (why: string) => new DomainError(ErrorCode.PERMISSION_DENIED, why);

export const playerRequired = () => new DomainError(ErrorCode.PLAYER_REQUIRED, 'this operation needs a player: pass ?player=<id>');

export const pathIdMismatch = (field: string, partyId: number) =>
  new DomainError(ErrorCode.VALIDATION_FAILED, `${field} must equal the party id in the path (${partyId})`);

export const aboveMaxPartySize = (maxPartySize: number) =>
  new DomainError(ErrorCode.VALIDATION_FAILED, `data.max_member_count must not be greater than ${maxPartySize}`);

export const versionMismatch = (party: Party, ifMatch: string) =>
  new DomainError(ErrorCode.VERSION_MISMATCH, `party ${party.id} is at version ${party.version}, not ${ifMatch} (If-Match); nothing was written`);
