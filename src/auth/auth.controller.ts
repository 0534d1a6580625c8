import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/error-code';
import { ApiErrors } from '../common/openapi/api-errors';
import { GuestLoginBody } from '../players/dto/player.dto';
import { PlayerView, SessionView } from '../players/player.view';
import { AuthService, GuestSignIn } from './auth.service';
import { GuestSignInGuard } from './guest-sign-in.guard';

class GuestLoginResponse extends SessionView implements GuestSignIn {
  @ApiProperty({ type: PlayerView }) user: PlayerView;
}

@ApiTags('Web API: sign-in')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('guest')
  @HttpCode(200)
  @UseGuards(GuestSignInGuard)
  @ApiOperation({
    summary: 'Sign in as a new guest player',
    description: 'Creates a guest player and returns a session token. Off when AUTH_GUEST_ENABLED=false (404).',
  })
  @ApiBody({ type: GuestLoginBody, required: false })
  @ApiOkResponse({ type: GuestLoginResponse })
  @ApiErrors(ErrorCode.VALIDATION_FAILED, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED)
  guest(@Body() body: GuestLoginBody): Promise<GuestSignIn> {
    return this.auth.guest(body);
  }
}
