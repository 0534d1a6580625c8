import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventBusModule } from '../realtime/event-bus.module';
import { Player } from './entities/player.entity';
import { Session } from './entities/session.entity';
import { PlayerRepository } from './player.repository';
import { PlayersService } from './players.service';
import { PlayersTrustedController } from './players.trusted.controller';
import { SessionCache } from './session-cache';
import { SessionRepository } from './session.repository';
import { SessionsService } from './sessions.service';

/** Players and their sessions. */
@Module({
  imports: [TypeOrmModule.forFeature([Player, Session]), EventBusModule],
  controllers: [PlayersTrustedController],
  providers: [PlayerRepository, SessionRepository, SessionCache, PlayersService, SessionsService],
  exports: [PlayersService, SessionsService],
})
export class PlayersModule {}
