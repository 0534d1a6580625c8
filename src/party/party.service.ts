import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../auth/caller';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Removal, Row } from '../common/openapi/envelopes';
import { Transactions } from '../database/transactions';
import { EditPartyBody, JoinPartyBody, PartyFields } from './dto/party-fields.dto';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { Party } from './entities/party.entity';
import { anyone, assertCanManage, assertOwnerOrServer, requirePlayer } from './party.access';
import {
  aboveMaxPartySize,
  alreadyMember,
  bannedFromParty,
  capacityBelowMembers,
  invalidChannels,
  invalidOwner,
  invalidTeam,
  notInParty,
  noWaitingRequest,
  partyFull,
  partyNotFound,
  pathIdMismatch,
} from './party.errors';
import { assertIfMatch } from './events/if-match';
import { PartyChangeLog } from './events/party-change-log';
import { positionOf } from './events/party-event';
import { editableFields } from './party.compare';
import { PARTY_LIMITS } from './party.limits';
import { LockedParty, PartyLock } from './party.lock';
import { PartyOwnership } from './party.ownership';
import { MembershipView, PartyView, toMembershipView, toPartyView } from './party.views';
import { MembershipRepository } from './repositories/membership.repository';
import { PartySearchRepository } from './repositories/party-search.repository';
import { JoinState, PartyRepository } from './repositories/party.repository';

/** Every change to parties and memberships (SPEC §3). Each runs in one transaction holding the party's row lock. */
@Injectable()
export class PartyService {
  constructor(
    private readonly transactions: Transactions,
    private readonly lock: PartyLock,
    private readonly ownership: PartyOwnership,
    private readonly changeLog: PartyChangeLog,
    private readonly parties: PartyRepository,
    private readonly searchIndex: PartySearchRepository,
    private readonly memberships: MembershipRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The creator (if a player) becomes the owner with an accepted membership. */
  create(caller: Caller, fields: PartyFields): Promise<Row<PartyView>> {
    const ownerId = caller.kind === 'player' ? caller.playerId : null;
    const maxMemberCount = fields.max_member_count ?? Math.min(PARTY_LIMITS.defaultMaxMemberCount, this.config.maxPartySize);
    this.assertWithinMaxPartySize(maxMemberCount);
    return this.transactions.run(async (tx) => {
      const party = await this.parties.insert(
        {
          name: fields.name,
          description: fields.desc ?? '',
          image: fields.image ?? '',
          maxMemberCount,
          memberCount: ownerId === null ? 0 : 1,
          isPrivate: fields.is_private ?? false,
          teams: fields.teams ?? [],
          channels: fields.channels ?? [],
          data: fields.data ?? '',
          variables: { ...fields.variables },
          ownerId,
          version: 1,
          createdAt: new Date(),
        },
        tx,
      );
      await this.searchIndex.index(party, tx);
      if (ownerId !== null) await this.insertMembership(party.id, ownerId, MemberRole.OWNER, MembershipStatus.ACCEPTED, {}, tx);
      await this.changeLog.created(party, tx);
      return { row: toPartyView(party) };
    });
  }

  /** Public party: accepted at once while a seat is free. Private party: a waiting join request. */
  async join(caller: Caller, partyId: number, body: JoinPartyBody): Promise<Row<MembershipView>> {
    const playerId = requirePlayer(caller);
    assertPathPartyId(body.partyId, partyId, 'partyId');
    // Most refusals can be told from committed data, without the party's row lock: a crowd joining a
    // full party is then turned away at once instead of queueing for the lock. What passes is checked
    // again under the lock.
    assertMayJoin(await this.parties.joinState(partyId, playerId), partyId, body);
    return this.transactions.run(async (tx) => {
      const { party } = assertMayJoin(await this.parties.lockForJoin(partyId, playerId, tx), partyId, body);
      assertIfMatch(party);
      return this.lock.changing(tx, party, async (change) => {
        if (!party.isPrivate) {
          if (!(await this.parties.takeSeat(partyId, change.nextVersion, tx))) throw partyFull(party);
          change.versionWritten = true;
        }
        const status = party.isPrivate ? MembershipStatus.WAITING : MembershipStatus.ACCEPTED;
        const membership = await this.insertMembership(partyId, playerId, MemberRole.MEMBER, status, body, tx);
        if (party.isPrivate) change.membership('request.created', membership, null, 'waiting');
        else change.membership('member.joined', membership, null, 'member');
        return { row: toMembershipView(membership) };
      });
    });
  }

  /** Read-only fields a GET returned (member_count, created_at, version) may come back with the edit; they are ignored. */
  edit(caller: Caller, partyId: number, { data: fields, partyId: bodyPartyId }: EditPartyBody): Promise<Row<PartyView>> {
    assertPathPartyId(bodyPartyId, partyId, 'partyId');
    assertPathPartyId(fields.id, partyId, 'data.id');
    if (fields.max_member_count !== undefined) this.assertWithinMaxPartySize(fields.max_member_count);
    return this.lock.run(caller, partyId, assertCanManage, async ({ tx, party, standing, change }) => {
      const fieldsBefore = editableFields(party);
      const { name: nameBefore, description: descriptionBefore } = party;
      // owner 0 is "no owner", as the party shows it: sending back the current value is not a transfer.
      if (fields.owner !== undefined && fields.owner !== (party.ownerId ?? 0)) {
        assertOwnerOrServer(standing, 'transfer ownership');
        const heir = await this.memberships.findAccepted(partyId, fields.owner, tx);
        if (!heir) throw invalidOwner(partyId, fields.owner);
        await this.ownership.transfer(change, heir, tx);
      }
      if (fields.max_member_count !== undefined) {
        if (fields.max_member_count < party.memberCount) throw capacityBelowMembers(party, fields.max_member_count);
        party.maxMemberCount = fields.max_member_count;
      }
      if (fields.teams !== undefined) party.teams = fields.teams;
      if (fields.channels !== undefined) party.channels = fields.channels;
      if (fields.teams !== undefined || fields.channels !== undefined) await this.clearRemovedNames(party, tx);
      if (fields.name !== undefined) party.name = fields.name;
      if (fields.desc !== undefined) party.description = fields.desc;
      if (fields.image !== undefined) party.image = fields.image;
      if (fields.is_private !== undefined) party.isPrivate = fields.is_private;
      if (fields.data !== undefined) party.data = fields.data;
      if (fields.variables !== undefined) party.variables = { ...fields.variables };
      // Fields set to what they were change nothing: no party.updated, no write (a transfer alone is owner.changed).
      if (editableFields(party) === fieldsBefore) return { row: toPartyView(party) };
      change.updated();
      // member_count is maintained by takeSeat/freeSeat, and version by the change log; never write back values read under the lock.
      const { id: _id, memberCount: _memberCount, version: _version, ...columns } = party;
      await this.parties.update(partyId, columns, tx);
      if (party.name !== nameBefore || party.description !== descriptionBefore) await this.searchIndex.index(party, tx);
      return { row: toPartyView(party) };
    });
  }

  /**
   * Leaves the party, or withdraws a join request. An owner leaving hands ownership over; the last
   * member leaving a player-owned party deletes it with its waiting list.
   */
  leave(caller: Caller, partyId: number): Promise<Removal<MembershipView>> {
    const playerId = requirePlayer(caller);
    return this.lock.run(caller, partyId, anyone, async ({ tx, standing, change }) => {
      const membership = standing.kind === 'player' ? standing.membership : null;
      if (!membership) throw notInParty(partyId, playerId);
      const waiting = membership.status === MembershipStatus.WAITING;
      change.membership(waiting ? 'request.withdrawn' : 'member.left', membership, positionOf(membership), null);
      await this.ownership.remove(change, membership, tx);
      return { row: toMembershipView(membership), affected: 1 };
    });
  }

  accept(caller: Caller, partyId: number, membershipId: number): Promise<Row<MembershipView>> {
    return this.decideRequest(caller, partyId, membershipId, async ({ tx, party, change }, request) => {
      if (!(await this.parties.takeSeat(partyId, change.nextVersion, tx))) throw partyFull(party);
      change.versionWritten = true;
      await this.memberships.accept(request.id, tx);
      request.status = MembershipStatus.ACCEPTED;
      change.membership('request.accepted', request, 'waiting', 'member');
      change.membership('member.joined', request, 'waiting', 'member');
      return { row: toMembershipView(request) };
    });
  }

  reject(caller: Caller, partyId: number, membershipId: number): Promise<Removal<MembershipView>> {
    return this.decideRequest(caller, partyId, membershipId, async ({ tx, change }, request) => {
      change.membership('request.rejected', request, 'waiting', null);
      return { row: toMembershipView(request), affected: await this.memberships.deleteWaiting(request.id, tx) };
    });
  }

  /** Accept and reject touch only a waiting membership of this party, and only for its managers. */
  private decideRequest<T>(
    caller: Caller,
    partyId: number,
    membershipId: number,
    decide: (locked: LockedParty, request: Membership) => Promise<T>,
  ): Promise<T> {
    return this.lock.run(caller, partyId, assertCanManage, async (locked) => {
      const request = await this.memberships.findWaiting(partyId, membershipId, locked.tx);
      if (!request) throw noWaitingRequest(partyId, membershipId);
      return decide(locked, request);
    });
  }

  private async insertMembership(
    partyId: number,
    playerId: number,
    role: MemberRole,
    status: MembershipStatus,
    choice: JoinPartyBody,
    tx: EntityManager,
  ): Promise<Membership> {
    const membership = await this.memberships.insert(
      { partyId, playerId, role, status, data: '', variables: {}, channels: choice.channels ?? [], team: choice.team ?? null, createdAt: new Date() },
      tx,
    );
    // The unique key (party, player) is the last word should two requests ever get this far.
    if (!membership) throw alreadyMember(partyId, playerId);
    return membership;
  }

  /**
   * Clears from the party's memberships any team or channel the party no longer has. Names are compared
   * here, exactly, not in SQL, where MySQL's collation would take "Red" for "red".
   */
  private async clearRemovedNames(party: Party, tx: EntityManager): Promise<void> {
    for (const membership of await this.memberships.namesIn(party.id, tx)) {
      const team = membership.team !== null && party.teams.includes(membership.team) ? membership.team : null;
      const channels = membership.channels.filter((channel) => party.channels.includes(channel));
      if (team !== membership.team || channels.length !== membership.channels.length) {
        await this.memberships.setNames({ id: membership.id, team, channels }, tx);
      }
    }
  }

  private assertWithinMaxPartySize(maxMemberCount: number): void {
    if (maxMemberCount > this.config.maxPartySize) throw aboveMaxPartySize(this.config.maxPartySize);
  }
}

/** An id the body repeats (Unreal's `partyId`, the edit's `data.id`) must be the path's. */
function assertPathPartyId(given: number | undefined, partyId: number, field: string): void {
  if (given !== undefined && given !== partyId) throw pathIdMismatch(field, partyId);
}

/** Why a player may not join (in the order a client should hear it), or the state when they may. */
function assertMayJoin(state: JoinState | null, partyId: number, choice: JoinPartyBody): JoinState {
  if (!state) throw partyNotFound(partyId);
  const { party, playerId } = state;
  if (choice.team != null && !party.teams.includes(choice.team)) throw invalidTeam(choice.team, party);
  const unknown = (choice.channels ?? []).filter((channel) => !party.channels.includes(channel));
  if (unknown.length > 0) throw invalidChannels(unknown, party);
  if (state.banned) throw bannedFromParty(party.id, playerId);
  if (state.hasMembership) throw alreadyMember(party.id, playerId);
  if (!party.isPrivate && party.memberCount >= party.maxMemberCount) throw partyFull(party);
  return state;
}
