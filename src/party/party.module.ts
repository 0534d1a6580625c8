import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlayersModule } from '../players/players.module';
import { PartyTrustedController, PartyWebController } from './controllers/party.controller';
import { Membership } from './entities/membership.entity';
import { Party } from './entities/party.entity';
import { PartyBan } from './entities/party-ban.entity';
import { PartyModerationService } from './party-moderation.service';
import { PartyQueries } from './party-queries.service';
import { PartyService } from './party.service';

@Module({
  imports: [TypeOrmModule.forFeature([Party, Membership, PartyBan]), PlayersModule],
  controllers: [PartyWebController, PartyTrustedController],
  providers: [PartyService, PartyQueries, PartyModerationService],
})
export class PartyModule {}
