import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { TrustedPartyController } from './controllers/trusted-party.controller';
import { WebPartyController } from './controllers/web-party.controller';
import { Membership } from './entities/membership.entity';
import { PartyBan } from './entities/party-ban.entity';
import { Party } from './entities/party.entity';
import { PartyModerationService } from './party-moderation.service';
import { PartyQueries } from './party-queries.service';
import { PartyLock } from './party.lock';
import { PartyOwnership } from './party.ownership';
import { PartyService } from './party.service';
import { MembershipRepository } from './repositories/membership.repository';
import { PartyBanRepository } from './repositories/party-ban.repository';
import { PartyRepository } from './repositories/party.repository';

/** Parties, memberships and bans: the same operations on the Web API and the Trusted Server API. */
@Module({
  imports: [TypeOrmModule.forFeature([Party, Membership, PartyBan]), AuthModule],
  controllers: [WebPartyController, TrustedPartyController],
  providers: [PartyRepository, MembershipRepository, PartyBanRepository, PartyLock, PartyOwnership, PartyService, PartyQueries, PartyModerationService],
})
export class PartyModule {}
