import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { PartyChangeRecord } from '../party/events/party-event';
import { busMessages } from '../observability/metrics';

/** What one service process tells every other (and itself) once it has committed. */
export type BusMessage =
  | { kind: 'change'; record: PartyChangeRecord }
  /** A session ended (logout): its sockets close with 4401. */
  | { kind: 'session-ended'; session: number }
  /** A player was banned from the game: their sockets close with 4403. */
  | { kind: 'player-banned'; player: number };

type Listener = (message: BusMessage) => void;

/**
 * Fan-out of committed news to every service process: in this process at once, and through Redis
 * pub/sub to the others when REDIS_URL is set. Pub/sub is fire-and-forget (a process that is away, or
 * a Redis hiccup, loses messages): that is why the party event table, not this bus, is the record, and
 * sockets catch up from it on gaps, on reconnects to Redis, and on a periodic sweep (see EventSockets).
 */
@Injectable()
export class EventBus implements OnApplicationShutdown {
  private readonly logger = new Logger('EventBus');
  /** Tells this process's messages apart when Redis echoes them back (they were delivered here already). */
  private readonly origin = randomUUID();
  private readonly listeners: Listener[] = [];
  private readonly reconnectListeners: (() => void)[] = [];
  private readonly publisher: Redis | null = null;
  private readonly subscriber: Redis | null = null;
  private subscribedOnce = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const { redisUrl, redisChannel } = config.realtime;
    if (!redisUrl) return;
    // Publishing must never hold up an answer: no offline queue, short timeouts; a lost message is caught up from the table.
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000, commandTimeout: 500 });
    this.publisher.on('error', () => undefined);
    // The subscriber reconnects for ever; each time it is back, listeners catch up what went by meanwhile.
    this.subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null, connectTimeout: 1000, retryStrategy: (attempt) => Math.min(attempt * 200, 2000) });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('ready', () => {
      if (this.subscribedOnce) {
        this.logger.log('Redis is back: catching up party events from the table');
        for (const listener of this.reconnectListeners) listener();
      }
      this.subscribedOnce = true;
    });
    this.subscriber.on('message', (_channel: string, text: string) => this.receive(text));
    this.subscriber.subscribe(redisChannel).catch((error: Error) => this.logger.warn(`cannot subscribe to ${redisChannel} yet: ${error.message}`));
  }

  /** Delivers to this process now, and to the others through Redis when configured. Never throws, never waits. */
  publish(message: BusMessage): void {
    this.deliver(message);
    if (!this.publisher) return;
    busMessages.inc({ direction: 'out' });
    this.publisher.publish(this.config.realtime.redisChannel, JSON.stringify({ origin: this.origin, message })).catch((error: Error) => {
      busMessages.inc({ direction: 'lost' });
      this.logger.warn(`could not publish to Redis (${error.message}); other processes catch up from the event table`);
    });
  }

  /**
   * Whether every message published from now on reaches this process: always without Redis (one
   * process), and with Redis while the subscription is up. Caches that rely on the bus's invalidations
   * (SessionCache) are bypassed while it is not.
   */
  get reliable(): boolean {
    return this.subscriber === null || (this.subscribedOnce && this.subscriber.status === 'ready');
  }

  onMessage(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Called when the Redis subscription is back after a loss: messages may have gone by unseen. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  onApplicationShutdown(): void {
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }

  private receive(text: string): void {
    let envelope: { origin: string; message: BusMessage };
    try {
      envelope = JSON.parse(text) as { origin: string; message: BusMessage };
    } catch {
      return; // not ours
    }
    if (envelope.origin === this.origin) return;
    busMessages.inc({ direction: 'in' });
    this.deliver(envelope.message);
  }

  private deliver(message: BusMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        this.logger.error(`event listener failed: ${String(error)}`);
      }
    }
  }
}
