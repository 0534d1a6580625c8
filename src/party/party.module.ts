import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { EventBusModule } from '../realtime/event-bus.module';
import { TrustedPartyController } from './controllers/trusted-party.controller';
import { WebPartyController } from './controllers/web-party.controller';
import { Membership } from './entities/membership.entity';
import { PartyBan } from './entities/party-ban.entity';
import { Party } from './entities/party.entity';
import { PartyChangeLog } from './events/party-change-log';
import { PartyEventFeed } from './events/party-event-feed';
import { PartyModerationService } from './party-moderation.service';
import { PartyQueries } from './party-queries.service';
import { PartyLock } from './party.lock';
import { PartyOwnership } from './party.ownership';
import { PartyService } from './party.service';
import { MembershipRepository } from './repositories/membership.repository';
import { PartyBanRepository } from './repositories/party-ban.repository';
import { PartyEventRepository } from './repositories/party-event.repository';
import { PartySearchRepository } from './repositories/party-search.repository';
import { PartyRepository } from './repositories/party.repository';

/** Parties, memberships and bans: the same operations on the Web API and the Trusted Server API, and the events of their changes. */
@Module({
  imports: [TypeOrmModule.forFeature([Party, Membership, PartyBan]), AuthModule, EventBusModule],
  controllers: [WebPartyController, TrustedPartyController],
  providers: [
    PartyRepository,
    PartySearchRepository,
    MembershipRepository,
    PartyBanRepository,
    PartyEventRepository,
    PartyChangeLog,
    PartyEventFeed,
    PartyLock,
    PartyOwnership,
    PartyService,
    PartyQueries,
    PartyModerationService,
  ],
  exports: [PartyEventFeed],
})
export class PartyModule {}
