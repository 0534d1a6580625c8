import { Module } from '@nestjs/common';
import { EventBus } from './event-bus';

/** The bus alone, so the modules that write changes (party, players) can publish without depending on the sockets. */
@Module({ providers: [EventBus], exports: [EventBus] })
export class EventBusModule {}
