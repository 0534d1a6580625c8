import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Type } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../../common/caller/caller';
import { Page, PageQuery, SearchQuery } from '../../common/validation/pagination';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { MemberDataBody, SetRoleBody } from '../dto/moderation.dto';
import { CreatePartyBody, EditPartyBody, JoinPartyBody } from '../dto/party-fields.dto';
import { requirePlayer } from '../party.access';
import { PartyModerationService } from '../party-moderation.service';
import { PartyQueries } from '../party-queries.service';
import { PartyService } from '../party.service';
import { BanView, MemberView, MembershipView, PartyView, toBanView, toMemberView, toMembershipView, toPartyView } from '../party.views';
import { PartyOperation } from './party-operations';
import { Surface, TRUSTED_SURFACE, WEB_SURFACE } from './surfaces';

const pageOf = <T, V>(page: Page<T>, view: (item: T) => V): Page<V> => ({ list: page.list.map(view), totalCount: page.totalCount });

/**
 * The party operations, written once and mounted on both surfaces, so a rule cannot differ between
 * the Web API and the Trusted API. Handlers only translate HTTP to a service call and back.
 */
function partyController(surface: Surface): Type<unknown> {
  const PartyId = () => Param('partyId', IdParamPipe);
  const MembershipId = () => Param('membershipId', IdParamPipe);
  const PlayerId = () => Param('playerId', IdParamPipe);

  @ApiTags(surface.tag)
  @surface.auth()
  @Controller(surface.path)
  class PartyController {
    constructor(
      readonly parties: PartyService,
      readonly queries: PartyQueries,
      readonly moderation: PartyModerationService,
    ) {}

    @Post()
    @HttpCode(200)
    @PartyOperation(surface, 'create')
    async create(@CurrentCaller() caller: Caller, @Body() body: CreatePartyBody): Promise<{ row: PartyView }> {
      return { row: toPartyView(await this.parties.create(caller, body.data)) };
    }

    @Get()
    @PartyOperation(surface, 'search')
    async search(@Query() query: SearchQuery): Promise<Page<PartyView>> {
      return pageOf(await this.queries.search(query), toPartyView);
    }

    @Get('me')
    @PartyOperation(surface, 'mine')
    async mine(@CurrentCaller() caller: Caller, @Query() query: SearchQuery): Promise<Page<PartyView>> {
      return pageOf(await this.queries.mine(caller, query), toPartyView);
    }

    @Get(':partyId')
    @PartyOperation(surface, 'get')
    async get(@PartyId() partyId: number): Promise<{ row: PartyView }> {
      return { row: toPartyView(await this.queries.get(partyId)) };
    }

    @Get(':partyId/members')
    @PartyOperation(surface, 'members')
    async members(@PartyId() partyId: number, @Query() page: PageQuery): Promise<Page<MemberView>> {
      return pageOf(await this.queries.members(partyId, page), toMemberView);
    }

    @Get(':partyId/waiting')
    @PartyOperation(surface, 'waiting')
    async waiting(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Query() page: PageQuery): Promise<Page<MembershipView>> {
      return pageOf(await this.queries.waiting(caller, partyId, page), toMembershipView);
    }

    @Post(':partyId')
    @HttpCode(200)
    @PartyOperation(surface, 'join')
    async join(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Body() body: JoinPartyBody): Promise<{ row: MembershipView }> {
      return { row: toMembershipView(await this.parties.join(caller, partyId, body)) };
    }

    @Put(':partyId')
    @PartyOperation(surface, 'edit')
    async edit(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Body() body: EditPartyBody): Promise<{ row: PartyView }> {
      return { row: toPartyView(await this.parties.edit(caller, partyId, body.data)) };
    }

    @Delete(':partyId')
    @PartyOperation(surface, 'leave')
    async leave(@CurrentCaller() caller: Caller, @PartyId() partyId: number): Promise<{ row: MembershipView }> {
      return { row: toMembershipView(await this.parties.leave(caller, partyId)) };
    }

    @Put(':partyId/waiting/:membershipId')
    @PartyOperation(surface, 'accept')
    async accept(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @MembershipId() membershipId: number): Promise<{ row: MembershipView }> {
      return { row: toMembershipView(await this.parties.accept(caller, partyId, membershipId)) };
    }

    @Delete(':partyId/waiting/:membershipId')
    @PartyOperation(surface, 'reject')
    async reject(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @MembershipId() membershipId: number): Promise<{ affected: number }> {
      return { affected: await this.parties.reject(caller, partyId, membershipId) };
    }

    @Put(':partyId/members/me')
    @PartyOperation(surface, 'setMyData')
    async setMyData(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Body() body: MemberDataBody): Promise<{ row: MembershipView }> {
      return { row: toMembershipView(await this.moderation.setMemberData(caller, partyId, requirePlayer(caller), body)) };
    }

    @Put(':partyId/members/:playerId')
    @PartyOperation(surface, 'setMemberData')
    async setMemberData(
      @CurrentCaller() caller: Caller,
      @PartyId() partyId: number,
      @PlayerId() playerId: number,
      @Body() body: MemberDataBody,
    ): Promise<{ row: MembershipView }> {
      return { row: toMembershipView(await this.moderation.setMemberData(caller, partyId, playerId, body)) };
    }

    @Put(':partyId/members/:playerId/role')
    @PartyOperation(surface, 'setRole')
    async setRole(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @PlayerId() playerId: number, @Body() body: SetRoleBody): Promise<{ row: MembershipView }> {
      return { row: toMembershipView(await this.moderation.setRole(caller, partyId, playerId, body.role)) };
    }

    @Delete(':partyId/members/:playerId')
    @PartyOperation(surface, 'kick')
    async kick(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @PlayerId() playerId: number): Promise<{ row: MembershipView }> {
      return { row: toMembershipView(await this.moderation.kick(caller, partyId, playerId)) };
    }

    @Get(':partyId/bans')
    @PartyOperation(surface, 'bans')
    async bans(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @Query() page: PageQuery): Promise<Page<BanView>> {
      return pageOf(await this.queries.bans(caller, partyId, page), toBanView);
    }

    @Put(':partyId/bans/:playerId')
    @PartyOperation(surface, 'ban')
    async ban(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @PlayerId() playerId: number): Promise<{ row: BanView }> {
      return { row: toBanView(await this.moderation.ban(caller, partyId, playerId)) };
    }

    @Delete(':partyId/bans/:playerId')
    @PartyOperation(surface, 'unban')
    async unban(@CurrentCaller() caller: Caller, @PartyId() partyId: number, @PlayerId() playerId: number): Promise<{ affected: number }> {
      return { affected: await this.moderation.unban(caller, partyId, playerId) };
    }

    @Post(':partyId/disband')
    @HttpCode(200)
    @PartyOperation(surface, 'disband')
    async disband(@CurrentCaller() caller: Caller, @PartyId() partyId: number): Promise<{ row: PartyView }> {
      return { row: toPartyView(await this.moderation.disband(caller, partyId)) };
    }
  }

  Object.defineProperty(PartyController, 'name', { value: `Party${surface.id}Controller` });
  return PartyController;
}

export const PartyWebController = partyController(WEB_SURFACE);
export const PartyTrustedController = partyController(TRUSTED_SURFACE);
