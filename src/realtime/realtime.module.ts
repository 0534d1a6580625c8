import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PartyModule } from '../party/party.module';
import { EventBusModule } from './event-bus.module';
import { PlayerEventsGateway, ServerEventsGateway } from './event-gateways';
import { EventSockets } from './event-sockets';

/** SPEC §7's event sockets: `/api/events` for players, `/server/events` for the trusted server. */
@Module({
  imports: [AuthModule, PartyModule, EventBusModule],
  providers: [EventSockets, PlayerEventsGateway, ServerEventsGateway],
})
export class RealtimeModule {}
