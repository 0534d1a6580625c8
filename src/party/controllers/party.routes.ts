import { Body, Delete, Get, HttpCode, Injectable, Param, Post, Put, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../../auth/caller';
import { Removal, Row } from '../../common/openapi/envelopes';
import { Page, PageQuery, SearchQuery } from '../../common/validation/pagination';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { MemberDataBody, SetRoleBody } from '../dto/moderation.dto';
import { CreatePartyBody, EditPartyBody, JoinPartyBody } from '../dto/party-fields.dto';
import { requirePlayer } from '../party.access';
import { PartyModerationService } from '../party-moderation.service';
import { PartyQueries } from '../party-queries.service';
import { PartyService } from '../party.service';
import { BanView, MembershipView, MemberView, PartyView } from '../party.views';
import { PartyOperation, Surface } from './party-operations';

const PartyId = () => Param('partyId', IdParamPipe);
const MembershipId = () => Param('membershipId', IdParamPipe);
const PlayerId = () => Param('playerId', IdParamPipe);

/**
 * The party routes, written once for both surfaces: WebPartyController and TrustedPartyController
 * extend this mixin and add their path and guards, so a rule cannot differ between the Web API and the
 * Trusted API. `surface` only tells the documentation apart. Handlers translate HTTP to one service
 * call and back.
 */
export function PartyRoutes(surface: Surface) {
  // Decorated so that its constructor's parameter types are recorded for injection (as Nest's mixin() does).
  @Injectable()
  abstract class PartyRoutesHost {
    constructor(
      readonly parties: PartyService,
      readonly queries: PartyQueries,
      readonly moderation: PartyModerationService,
    ) {}

    @Post()
    @HttpCode(200)
    @PartyOperation(surface, 'create')
    create(@CurrentCaller() caller: Caller, @Body() body: CreatePartyBody): Promise<Row<PartyView>> {
      return this.parties.create(caller, body.data);
    }

    @Get()
    @PartyOperation(surface, 'search')
    search(@Query() query: SearchQuery): Promise<Page<PartyView>> {
      return this.queries.search(query);
    }

    @Get('me')
    @PartyOperation(surface, 'mine')
    mine(@CurrentCaller() caller: Caller, @Query() query: SearchQuery): Promise<Page<PartyView>> {
      return this.queries.mine(caller, query);
    }

    @Get(':partyId')
    @PartyOperation(surface, 'get')
    get(@PartyId() partyId: number): Promise<Row<PartyView>> {
      return this.queries.get(partyId);
    }

    @Get(':partyId/members')
    @PartyOperation(surface, 'members')
    members(@PartyId() partyId: number, @Query() page: PageQuery): Promise<Page<MemberView>> {
      return this.queries.members(partyId, page);
    }

    @Get(':partyId/waiting')
    @PartyOperation(surface, 'waiting')
    waiting(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Query() page: PageQuery): Promise<Page<MembershipView>> {
      return this.queries.waiting(caller, partyId, page);
    }

    @Post(':partyId')
    @HttpCode(200)
    @PartyOperation(surface, 'join')
    join(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Body() body: JoinPartyBody): Promise<Row<MembershipView>> {
      return this.parties.join(caller, partyId, body);
    }

    @Put(':partyId')
    @PartyOperation(surface, 'edit')
    edit(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Body() body: EditPartyBody): Promise<Row<PartyView>> {
      return this.parties.edit(caller, partyId, body);
    }

    @Delete(':partyId')
    @PartyOperation(surface, 'leave')
    leave(@CurrentCaller() caller: Caller, @PartyId() partyId: number): Promise<Removal<MembershipView>> {
      return this.parties.leave(caller, partyId);
    }

    @Put(':partyId/waiting/:membershipId')
    @PartyOperation(surface, 'accept')
    accept(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @MembershipId() membershipId: number): Promise<Row<MembershipView>> {
      return this.parties.accept(caller, partyId, membershipId);
    }

    @Delete(':partyId/waiting/:membershipId')
    @PartyOperation(surface, 'reject')
    reject(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @MembershipId() membershipId: number): Promise<Removal<MembershipView>> {
      return this.parties.reject(caller, partyId, membershipId);
    }

    @Put(':partyId/members/me')
    @PartyOperation(surface, 'setMyData')
    setMyData(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Body() body: MemberDataBody): Promise<Row<MembershipView>> {
      return this.moderation.setMemberData(caller, partyId, requirePlayer(caller), body);
    }

    @Put(':partyId/members/:playerId')
    @PartyOperation(surface, 'setMemberData')
    setMemberData(
      @CurrentCaller() caller: Caller,
      @PartyId() partyId: number,
      @PlayerId() playerId: number,
      @Body() body: MemberDataBody,
    ): Promise<Row<MembershipView>> {
      return this.moderation.setMemberData(caller, partyId, playerId, body);
    }

    @Put(':partyId/members/:playerId/role')
    @PartyOperation(surface, 'setRole')
    setRole(
      @CurrentCaller() caller: Caller,
      @PartyId() partyId: number,
      @PlayerId() playerId: number,
      @Body() body: SetRoleBody,
    ): Promise<Row<MembershipView>> {
      return this.moderation.setRole(caller, partyId, playerId, body.role);
    }

    @Delete(':partyId/members/:playerId')
    @PartyOperation(surface, 'kick')
    kick(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @PlayerId() playerId: number): Promise<Removal<MembershipView>> {
      return this.moderation.kick(caller, partyId, playerId);
    }

    @Get(':partyId/bans')
    @PartyOperation(surface, 'bans')
    bans(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Query() page: PageQuery): Promise<Page<BanView>> {
      return this.queries.bans(caller, partyId, page);
    }

    @Put(':partyId/bans/:playerId')
    @PartyOperation(surface, 'ban')
    ban(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @PlayerId() playerId: number): Promise<Row<BanView>> {
      return this.moderation.ban(caller, partyId, playerId);
    }

    @Delete(':partyId/bans/:playerId')
    @PartyOperation(surface, 'unban')
    unban(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @PlayerId() playerId: number): Promise<Removal<BanView>> {
      return this.moderation.unban(caller, partyId, playerId);
    }

    @Post(':partyId/disband')
    @HttpCode(200)
    @PartyOperation(surface, 'disband')
    disband(@CurrentCaller() caller: Caller, @PartyId() partyId: number): Promise<Row<PartyView>> {
      return this.moderation.disband(caller, partyId);
    }
  }
  return PartyRoutesHost;
}
