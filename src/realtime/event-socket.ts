import type { WebSocket } from 'ws';
import type { Position } from '../party/events/party-event';
import { eventsSent, socketsClosed } from '../observability/metrics';
import { CLOSE } from './protocol';

/** A client that reads slower than events come is closed (1013) once this much is waiting to be sent (SPEC §7). */
export const MAX_UNSENT_BYTES = 1024 * 1024;

/** A client sends a few messages (auth, subscribe, resume after a reconnect); past this many a second they are refused. */
export const MAX_MESSAGES_PER_SECOND = 20;

/** Who is on the other end: a player (through one session), or the trusted server. */
export type Subscriber = { kind: 'player'; playerId: number; sessionId: number } | { kind: 'server' };

/** A party the socket follows: the last version it has been given (or skipped), and where its player stands. */
export interface Followed {
  seen: number;
  position: Position;
}

/**
 * One event socket: who it is, the parties it follows, and one queue per party, so that live events,
 * catch-ups and resumes of one party reach it one at a time, in version order.
 */
export class EventSocket {
  subscriber: Subscriber | null = null;
  readonly parties = new Map<number, Followed>();
  /** The trusted server subscribed to every party. */
  all = false;
  /** When the socket started following: a player's once authenticated, the server's `all` once subscribed (epoch ms). */
  followingSince = Number.POSITIVE_INFINITY;
  /** Answered the last ping. */
  alive = true;
  private readonly queues = new Map<number, Promise<void>>();
  /** Inbound messages are handled one at a time, in the order they came. */
  private inbound: Promise<void> = Promise.resolve();
  /** Inbound messages in the current second (see takeMessage). */
  private messagesThisSecond = 0;
  private secondStartedAt = 0;

  constructor(
    readonly ws: WebSocket,
    readonly surface: 'web' | 'server',
    /** The client's address, which failed authentications are counted against. */
    readonly address: string,
    readonly openedAt = Date.now(),
  ) {}

  get playerId(): number | null {
    return this.subscriber?.kind === 'player' ? this.subscriber.playerId : null;
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Sends one message, unless the client has fallen too far behind (then it is closed 1013 and may resume). */
  send(message: object, kind = 'control'): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > MAX_UNSENT_BYTES) {
      this.close(CLOSE.TRY_AGAIN_LATER, 'reading too slowly: resume from your last version');
      return;
    }
    this.ws.send(JSON.stringify(message));
    eventsSent.inc({ kind });
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.CLOSING || this.ws.readyState === this.ws.CLOSED) return;
    socketsClosed.inc({ reason: String(code) });
    this.ws.close(code, reason);
  }

  /** Runs `task` after every task already queued for `partyId`; a failing task does not stop the queue. */
  queue(partyId: number, task: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(partyId) ?? Promise.resolve()).then(task).catch(() => undefined);
    this.queues.set(partyId, next);
    void next.then(() => {
      if (this.queues.get(partyId) === next) this.queues.delete(partyId);
    });
    return next;
  }

  /** Handles inbound messages in arrival order. */
  handleInOrder(task: () => Promise<void>): void {
    this.inbound = this.inbound.then(task, task);
  }

  /** Counts one inbound message; false past MAX_MESSAGES_PER_SECOND (the message is then refused). */
  takeMessage(): boolean {
    const now = Date.now();
    if (now - this.secondStartedAt >= 1000) {
      this.secondStartedAt = now;
      this.messagesThisSecond = 0;
    }
    return ++this.messagesThisSecond <= MAX_MESSAGES_PER_SECOND;
  }

  /** Resolves once every queued task has run (what shutdown waits for before closing). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }
}
