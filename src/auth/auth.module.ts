import { Module } from '@nestjs/common';
import { PlayersModule } from '../players/players.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { GuestSignInGuard } from './guest-sign-in.guard';
import { ActingPlayerGuard, ServerKeyGuard } from './server-key.guard';
import { ServerKeyNotice } from './server-key.notice';
import { SessionGuard } from './session.guard';

/**
 * Who is calling: the guards that turn a request into a Caller (a session token on the Web API; the
 * server key, and the player it acts for, on the Trusted API), and guest sign-in. Modules whose
 * controllers use WebAuth() or TrustedAuth() import this one; it re-exports PlayersModule, whose
 * services those guards need.
 */
@Module({
  imports: [PlayersModule],
  controllers: [AuthController],
  providers: [AuthService, SessionGuard, ServerKeyGuard, ActingPlayerGuard, GuestSignInGuard, ServerKeyNotice],
  exports: [PlayersModule, SessionGuard, ServerKeyGuard, ActingPlayerGuard],
})
export class AuthModule {}
