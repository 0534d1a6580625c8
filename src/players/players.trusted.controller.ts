import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { SERVER_AUTH_ERRORS, ServerAuth } from '../auth/auth.decorators';
import { ErrorCode } from '../common/errors/error-code';
import { ApiErrors } from '../common/openapi/api-errors';
import { ApiRow, Row } from '../common/openapi/envelopes';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { CreatePlayerBody, EditPlayerBody } from './dto/player.dto';
import { PlayerView, SessionView } from './player.view';
import { PlayersService } from './players.service';
import { SessionsService } from './sessions.service';

const playerIdParam = ApiParam({ name: 'playerId', schema: { type: 'integer', format: 'int32', minimum: 1 } });

@ApiTags('Trusted Server API: players')
@ServerAuth()
@Controller('server/players')
export class PlayersTrustedController {
  constructor(
    private readonly players: PlayersService,
    private readonly sessions: SessionsService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a player' })
  @ApiRow(PlayerView)
  @ApiErrors(...SERVER_AUTH_ERRORS, ErrorCode.VALIDATION_FAILED, ErrorCode.USERNAME_TAKEN)
  create(@Body() body: CreatePlayerBody): Promise<Row<PlayerView>> {
    return this.players.create(body.data);
  }

  @Get(':playerId')
  @ApiOperation({ summary: 'Get a player' })
  @playerIdParam
  @ApiRow(PlayerView)
  @ApiErrors(...SERVER_AUTH_ERRORS, ErrorCode.VALIDATION_FAILED, ErrorCode.PLAYER_NOT_FOUND)
  get(@Param('playerId', IdParamPipe) playerId: number): Promise<Row<PlayerView>> {
    return this.players.get(playerId);
  }

  @Put(':playerId')
  @ApiOperation({ summary: 'Edit a player', description: 'Changes only the fields given. Set `is_ban: true` to ban the player.' })
  @playerIdParam
  @ApiRow(PlayerView)
  @ApiErrors(...SERVER_AUTH_ERRORS, ErrorCode.VALIDATION_FAILED, ErrorCode.PLAYER_NOT_FOUND, ErrorCode.USERNAME_TAKEN)
  edit(@Param('playerId', IdParamPipe) playerId: number, @Body() body: EditPlayerBody): Promise<Row<PlayerView>> {
    return this.players.update(playerId, body.data);
  }

  @Post(':playerId/sessions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Issue a session token for a player',
    description: 'The token is shown only here; the service keeps its hash. A banned player gets 403 BANNED.',
  })
  @playerIdParam
  @ApiOkResponse({ type: SessionView, description: 'The session token, shown only here, and when it expires.' })
  @ApiErrors(...SERVER_AUTH_ERRORS, ErrorCode.VALIDATION_FAILED, ErrorCode.PLAYER_NOT_FOUND, ErrorCode.BANNED)
  issueSession(@Param('playerId', IdParamPipe) playerId: number): Promise<SessionView> {
    return this.sessions.issue(playerId);
  }
}
