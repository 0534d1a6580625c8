import { Body, Controller, Delete, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/error-code';
import { ApiErrors } from '../common/openapi/api-errors';
import { ApiInt } from '../common/openapi/envelopes';
import { GuestLoginBody } from '../players/dto/player.dto';
import { PlayerView, SessionView } from '../players/player.view';
import { SessionsService } from '../players/sessions.service';
import { WEB_AUTH_ERRORS, WebAuth } from './auth.decorators';
import { AuthService, GuestSignIn } from './auth.service';
import { CurrentSessionId } from './caller';
import { GuestSignInGuard } from './guest-sign-in.guard';

class AffectedDoc {
  @ApiInt({ example: 1 }) affected: number;
}

class GuestLoginResponse extends SessionView implements GuestSignIn {
  @ApiProperty({ type: PlayerView }) user: PlayerView;
}

@ApiTags('Web API: sign-in')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('guest')
  @HttpCode(200)
  @UseGuards(GuestSignInGuard)
  @ApiOperation({
    summary: 'Sign in as a guest player',
    description:
      'With a `device_id`, signs in the guest player bound to that device (created on first use); without one (or with ""), creates a new guest player. ' +
      'Returns a session token. A banned guest gets 403 BANNED. Off when AUTH_GUEST_ENABLED=false (404).',
  })
  @ApiBody({ type: GuestLoginBody, required: false })
  @ApiOkResponse({ type: GuestLoginResponse, description: 'The guest player and a session token.' })
  @ApiErrors(ErrorCode.VALIDATION_FAILED, ErrorCode.NOT_FOUND, ErrorCode.BANNED, ErrorCode.RATE_LIMITED)
  guest(@Body() body: GuestLoginBody): Promise<GuestSignIn> {
    return this.auth.guest(body);
  }

  @Delete('session')
  @WebAuth()
  @ApiOperation({ summary: 'Sign out: end the calling session', description: 'Its token answers 401 from then on.' })
  @ApiOkResponse({ type: AffectedDoc, description: 'The session ended (`affected: 1`).' })
  @ApiErrors(...WEB_AUTH_ERRORS)
  signOut(@CurrentSessionId() sessionId: number): Promise<{ affected: number }> {
    return this.sessions.end(sessionId);
  }
}
