import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActingPlayerGuard, ServerKeyGuard, ServerKeyNotice } from '../common/caller/server-key.guard';
import { SessionGuard } from '../common/caller/session.guard';
import { AuthController } from './auth.controller';
import { Player } from './entities/player.entity';
import { Session } from './entities/session.entity';
import { PlayersService } from './players.service';
import { PlayersTrustedController } from './players.trusted.controller';
import { SessionsService } from './sessions.service';

/** Players and their sessions, and the guards that turn a request into a caller. */
@Module({
  imports: [TypeOrmModule.forFeature([Player, Session])],
  controllers: [AuthController, PlayersTrustedController],
  providers: [PlayersService, SessionsService, SessionGuard, ServerKeyGuard, ActingPlayerGuard, ServerKeyNotice],
  exports: [PlayersService, SessionsService, SessionGuard, ServerKeyGuard, ActingPlayerGuard],
})
export class PlayersModule {}
