import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/error-code';
import { ApiErrors } from '../common/openapi/api-errors';
import { GuestSignInGuard } from './guest-sign-in.guard';
import { GuestLoginBody } from './dto/player.dto';
import { PlayerView, toPlayerView } from './player.view';
import { PlayersService } from './players.service';
import { SessionsService } from './sessions.service';

class GuestLoginResponse {
  @ApiProperty({ type: PlayerView }) user: PlayerView;
  @ApiProperty({ description: 'Session token for `Authorization: Bearer <token>`.' }) token: string;
  @ApiProperty({ type: String, format: 'date-time' }) expires_at: string;
}

@ApiTags('Web API: sign-in')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly players: PlayersService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('guest')
  @HttpCode(200)
  @UseGuards(GuestSignInGuard)
  @ApiOperation({ summary: 'Sign in as a new guest player', description: 'Creates a guest player and returns a session token. Off when AUTH_GUEST_ENABLED=false (404).' })
  @ApiBody({ type: GuestLoginBody, required: false })
  @ApiOkResponse({ type: GuestLoginResponse })
  @ApiErrors(ErrorCode.VALIDATION_FAILED, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED)
  async guest(@Body() body: GuestLoginBody): Promise<GuestLoginResponse> {
    const player = await this.players.create({ name: body.name ?? '', is_guest: true });
    const session = await this.sessions.issue(player.id);
    return { user: toPlayerView(await this.players.get(player.id)), token: session.token, expires_at: session.expiresAt.toISOString() };
  }
}
