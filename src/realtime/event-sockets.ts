import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PartyEventFeed } from '../party/events/party-event-feed';
import { PartyChangeRecord, positionBefore, viewOf } from '../party/events/party-event';
import { EVENTS_KEPT_PER_PARTY } from '../party/repositories/party-event.repository';
import { eventSockets } from '../observability/metrics';
import { SessionsService } from '../players/sessions.service';
import { BusMessage, EventBus } from './event-bus';
import { EventSocket, Followed } from './event-socket';
import { CLOSE } from './protocol';

/** SPEC §7: at most this many sockets per player on each process; a new one closes the oldest (4409). */
export const MAX_SOCKETS_PER_PLAYER = 5;
/** How far back the sweep looks for changes the bus lost: a change commits after its row's timestamp. */
const SWEEP_MARGIN_MS = 30_000;
/** How many versions before the first one heard of a party may still be on their way through the bus. */
const IN_FLIGHT_VERSIONS = 16;
/** Shutdown: how long queued events may take to go out, then how long clients get to answer the close. */
const DRAIN_MS = 1_000;

/**
 * The event sockets of this process, and the delivery of committed changes to them (SPEC §7).
 *
 * A change reaches this process from the bus (its own at once, other processes' through Redis), or
 * from the event table when the bus lost it. Per party, this process hands changes to its sockets one
 * at a time and in version order: a change that arrives before the ones it follows first brings them
 * from the table (the table, written in each change's own transaction, is the record). Each socket also
 * keeps, per party it follows, the last version it was given: at or below it is a duplicate and skipped,
 * beyond the next is a gap filled from the table. So each socket sees each version once, in order.
 */
@Injectable()
export class EventSockets implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventSockets');
  private readonly byParty = new Map<number, Set<EventSocket>>();
  private readonly byPlayer = new Map<number, Set<EventSocket>>();
  private readonly everything = new Set<EventSocket>();
  private readonly sockets = new Set<EventSocket>();
  /** The newest version of each party this process has heard of, and when: what the sweep compares the table with. */
  private readonly heard = new Map<number, { version: number; at: number }>();
  /** Fetches of missed changes in flight, shared by every socket that noticed the same gap. */
  private readonly fetches = new Map<string, Promise<PartyChangeRecord[]>>();
  /** Per party, the changes being handed to sockets, one at a time. */
  private readonly partyQueues = new Map<number, Promise<void>>();
  private lastSweep = Date.now();
  private closing = false;

  constructor(
    private readonly feed: PartyEventFeed,
    private readonly sessions: SessionsService,
    private readonly bus: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.bus.onMessage((message) => this.receive(message));
    this.bus.onReconnect(() => void this.sweep());
    setInterval(() => void this.sweep(), this.config.realtime.sweepIntervalMs).unref();
    setInterval(() => void this.heartbeat(), this.config.realtime.pingIntervalMs).unref();
  }

  get accepting(): boolean {
    return !this.closing;
  }

  /** A new socket, before it has authenticated. */
  add(socket: EventSocket): void {
    this.sockets.add(socket);
    eventSockets.inc({ surface: socket.surface });
    socket.ws.on('pong', () => (socket.alive = true));
  }

  /** A player's socket authenticated: it follows every party the player has a membership in, from now on. */
  async addPlayer(socket: EventSocket, playerId: number, sessionId: number): Promise<void> {
    socket.subscriber = { kind: 'player', playerId, sessionId };
    socket.followingSince = Date.now();
    const mine = this.byPlayer.get(playerId) ?? new Set<EventSocket>();
    this.byPlayer.set(playerId, mine);
    mine.add(socket); // first, so that changes moving the player into a party reach it while the rest loads
    const others = [...mine].filter((other) => other !== socket).sort((a, b) => a.openedAt - b.openedAt);
    for (const oldest of others.slice(0, Math.max(0, mine.size - MAX_SOCKETS_PER_PLAYER))) {
      oldest.close(CLOSE.TOO_MANY_SOCKETS, `at most ${MAX_SOCKETS_PER_PLAYER} sockets per player: this was the oldest`);
      this.remove(oldest);
    }
    for (const standing of await this.feed.standingsOf(playerId)) {
      if (!socket.parties.has(standing.party)) this.follow(socket, standing.party, { seen: standing.version, position: standing.position });
    }
    socket.send({ type: 'ready', player: playerId });
    this.catchUpHeard(socket);
  }

  /** The trusted server's socket: it follows what it subscribes to. */
  addServer(socket: EventSocket): void {
    socket.subscriber = { kind: 'server' };
    socket.send({ type: 'ready', player: 0 });
  }

  async subscribe(socket: EventSocket, parties: number[] | 'all'): Promise<void> {
    if (parties === 'all') {
      if (!socket.all) socket.followingSince = Date.now();
      socket.all = true;
      this.everything.add(socket);
      socket.send({ type: 'subscribed', all: true });
      return;
    }
    await Promise.all(
      parties.map(async (party) => {
        if (socket.parties.has(party)) return;
        this.follow(socket, party, { seen: (await this.feed.currentVersion(party)) ?? 0, position: null });
      }),
    );
    socket.send({ type: 'subscribed', parties });
    this.catchUpHeard(socket);
  }

  /** Unsubscribing some parties while subscribed to all changes nothing (SPEC §7). */
  unsubscribe(socket: EventSocket, parties: number[] | 'all'): void {
    if (parties === 'all') {
      socket.all = false;
      this.everything.delete(socket);
      for (const party of [...socket.parties.keys()]) this.unfollow(socket, party);
      socket.send({ type: 'unsubscribed', all: true });
      return;
    }
    if (!socket.all) for (const party of parties) this.unfollow(socket, party);
    socket.send({ type: 'unsubscribed', parties });
  }

  /**
   * Replays what the socket may see of the party after `since`, then `resumed`, then live events:
   * queued behind the party's live deliveries, so nothing is missed or sent twice in between.
   */
  resume(socket: EventSocket, partyId: number, since: number): Promise<void> {
    return socket.queue(partyId, () => this.guarded(() => this.replay(socket, partyId, since)));
  }

  remove(socket: EventSocket): void {
    if (!this.sockets.delete(socket)) return;
    eventSockets.dec({ surface: socket.surface });
    for (const party of [...socket.parties.keys()]) this.unfollow(socket, party);
    this.everything.delete(socket);
    const playerId = socket.playerId;
    if (playerId !== null) {
      const mine = this.byPlayer.get(playerId);
      mine?.delete(socket);
      if (mine?.size === 0) this.byPlayer.delete(playerId);
    }
  }

  /** SIGTERM: no new sockets; what is queued goes out; then every socket is closed with 1001 (SPEC §7). */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const sockets = [...this.sockets];
    await Promise.race([Promise.all(sockets.map((socket) => socket.idle())), delay(DRAIN_MS)]);
    const closed = sockets.map((socket) => new Promise<void>((resolve) => (socket.open ? socket.ws.once('close', () => resolve()) : resolve())));
    for (const socket of sockets) socket.close(CLOSE.GOING_AWAY, 'the service is restarting: reconnect and resume');
    await Promise.race([Promise.all(closed), delay(DRAIN_MS)]);
    for (const socket of sockets) socket.ws.terminate();
  }

  private receive(message: BusMessage): void {
    switch (message.kind) {
      case 'change':
        this.dispatch(message.record);
        return;
      case 'session-ended':
        for (const socket of this.sockets) {
          if (socket.subscriber?.kind === 'player' && socket.subscriber.sessionId === message.session) socket.close(CLOSE.UNAUTHENTICATED, 'the session ended');
        }
        return;
      case 'player-banned':
        for (const socket of this.byPlayer.get(message.player) ?? []) socket.close(CLOSE.BANNED, 'the player is banned');
        return;
    }
  }

  /**
   * A committed change reached this process. Per party, in version order: versions between the last
   * one heard and this one come from the table first. A party first heard of now may have changes
   * still in flight on the bus, committed before this one: the recent ones come from the table first
   * (sockets skip what they already have).
   */
  private dispatch(record: PartyChangeRecord): void {
    if (this.sockets.size === 0) return;
    const previous = this.partyQueues.get(record.party) ?? Promise.resolve();
    const next = previous.then(() =>
      this.guarded(async () => {
        const heard = this.heard.get(record.party)?.version;
        if (heard !== undefined && record.version <= heard) return;
        const missed =
          heard === undefined ? await this.justBefore(record) : record.version > heard + 1 ? await this.missed(record.party, heard, record.version - 1) : [];
        for (const change of [...missed, record]) this.handOut(change);
        this.heard.set(record.party, { version: record.version, at: Date.now() });
      }),
    );
    this.partyQueues.set(record.party, next);
    void next.then(() => {
      if (this.partyQueues.get(record.party) === next) this.partyQueues.delete(record.party);
    });
  }

  /**
   * A party first heard of at `record`: the few changes just before it that may still be on their way
   * through the bus (another process's, committed first). Not more: a popular party's whole recent
   * history would only be skipped by every follower, at a cost.
   */
  private async justBefore(record: PartyChangeRecord): Promise<PartyChangeRecord[]> {
    const floor = Math.max(record.version - 1 - IN_FLIGHT_VERSIONS, 0);
    if (floor >= record.version - 1) return [];
    // Not from what followers have had: a change may still matter to others (a player it moves in, a server subscribed to all).
    return this.feed.range(record.party, floor, record.version - 1, new Date(Date.now() - SWEEP_MARGIN_MS));
  }

  /** Hands a change to every socket that follows its party (and has not had it), or whose player it moves into the party. */
  private handOut(record: PartyChangeRecord): void {
    const followers = [...(this.byParty.get(record.party) ?? [])].filter((socket) => (socket.parties.get(record.party)?.seen ?? 0) < record.version);
    const targets = new Set<EventSocket>([...followers, ...this.everything]);
    for (const move of record.moves) {
      if (move.to !== null) for (const socket of this.byPlayer.get(move.player) ?? []) targets.add(socket);
    }
    for (const socket of targets) void socket.queue(record.party, () => this.guarded(() => this.deliver(socket, record)));
  }

  private async deliver(socket: EventSocket, record: PartyChangeRecord): Promise<void> {
    let followed = socket.parties.get(record.party);
    if (!followed) {
      // Not followed yet: the trusted server subscribed to all, or a change that lets the player in. A
      // change older than the socket's following (the table's, brought by a catch-up) counts only if the
      // player is still in the party (else they joined and left before connecting).
      const movesIn = record.moves.some((move) => move.player === socket.playerId && move.to !== null);
      if (!socket.all && !movesIn) return;
      if (Date.parse(record.at) < socket.followingSince) {
        if (socket.playerId === null || (await this.feed.positionOf(record.party, socket.playerId)) === null) return;
      }
      followed = this.follow(socket, record.party, { seen: record.version - 1, position: null });
    }
    if (record.version <= followed.seen) return; // a duplicate (the bus and a catch-up both brought it)
    if (record.version > followed.seen + 1) {
      const missed = await this.missed(record.party, followed.seen, record.version - 1);
      if (missed.length !== record.version - 1 - followed.seen) {
        // Older than retention: the client refetches the party; live events go on from here.
        socket.send({ type: 'reset', party: record.party, version: record.version - 1 }, 'reset');
        followed.seen = record.version - 1;
        if (socket.playerId !== null) followed.position = positionBefore([record], socket.playerId, await this.feed.positionOf(record.party, socket.playerId));
      }
      for (const change of missed) this.show(socket, followed, change, 'replayed');
    }
    this.show(socket, followed, record, 'event');
  }

  /** Sends the socket its view of one change, and moves it on to the next version. */
  private show(socket: EventSocket, followed: Followed, record: PartyChangeRecord, kind: string): void {
    if (record.version <= followed.seen) return;
    followed.seen = record.version;
    const movesIn = record.moves.some((move) => move.player === socket.playerId && move.to !== null);
    if (socket.playerId !== null && followed.position === null && !movesIn) return; // removed: nothing of the party after it
    const stamp = { party: record.party, version: record.version, at: record.at };
    const playerId = socket.playerId;
    if (playerId === null) {
      this.sendAll(socket, record, kind);
      if (record.events.some((event) => event.type === 'party.deleted')) this.unfollow(socket, record.party);
      return;
    }
    const view = viewOf(record, playerId, followed.position);
    for (const event of view.events) socket.send({ type: event.type, ...stamp, data: event.data }, kind);
    if (view.hidden) socket.send({ type: 'hidden', ...stamp }, kind === 'event' ? 'hidden' : kind);
    followed.position = view.after;
    if (view.after === null) this.unfollow(socket, record.party);
  }

  private async replay(socket: EventSocket, partyId: number, since: number): Promise<void> {
    const playerId = socket.playerId;
    // Where the player stands is read before the version: a change committing in between is then in
    // the range read below, and its moves say where they stood (see positionBefore).
    const now = playerId === null ? null : await this.feed.positionOf(partyId, playerId);
    const current = await this.feed.currentVersion(partyId);
    const mayAsk = playerId === null || now !== null;
    if (current === null) return socket.send({ type: 'error', code: playerId === null ? 'PARTY_NOT_FOUND' : 'PERMISSION_DENIED', party: partyId });
    // More than retention keeps (or a version from the future) is a reset without reading the table,
    // for those who may see the party now; who may not cannot make the service read 1,000 rows.
    const tooFar = since > current || current - since > EVENTS_KEPT_PER_PARTY;
    const records = tooFar ? [] : await this.missed(partyId, since, current);
    const complete = !tooFar && records.length === current - since;
    if (playerId === null) {
      if (!complete) socket.send({ type: 'reset', party: partyId, version: current }, 'reset');
      else for (const record of records) this.sendAll(socket, record, 'replayed');
      if (socket.all || socket.parties.has(partyId)) this.follow(socket, partyId, { seen: current, position: null });
      return socket.send({ type: 'resumed', party: partyId, version: current });
    }
    const wasIn = positionBefore(complete ? records : [], playerId, now);
    const everIn = mayAsk || wasIn !== null || records.some((record) => record.moves.some((move) => move.player === playerId));
    if (!everIn) return socket.send({ type: 'error', code: 'PERMISSION_DENIED', party: partyId });
    if (!complete) {
      socket.send({ type: 'reset', party: partyId, version: current }, 'reset');
      this.setFollowed(socket, partyId, { seen: current, position: now });
      return;
    }
    const followed: Followed = { seen: since, position: wasIn };
    for (const record of records) this.show(socket, followed, record, 'replayed');
    socket.send({ type: 'resumed', party: partyId, version: current });
    this.setFollowed(socket, partyId, { seen: current, position: followed.position });
  }

  /** The trusted server sees every event of a change. */
  private sendAll(socket: EventSocket, record: PartyChangeRecord, kind: string): void {
    for (const event of record.events) socket.send({ type: event.type, party: record.party, version: record.version, at: record.at, data: event.data }, kind);
  }

  private setFollowed(socket: EventSocket, partyId: number, followed: Followed): void {
    if (followed.position === null) this.unfollow(socket, partyId);
    else this.follow(socket, partyId, followed);
  }

  private follow(socket: EventSocket, partyId: number, followed: Followed): Followed {
    if (!this.sockets.has(socket)) return followed; // closed while its state was loading
    socket.parties.set(partyId, followed);
    const audience = this.byParty.get(partyId) ?? new Set<EventSocket>();
    this.byParty.set(partyId, audience);
    audience.add(socket);
    return followed;
  }

  private unfollow(socket: EventSocket, partyId: number): void {
    socket.parties.delete(partyId);
    const audience = this.byParty.get(partyId);
    audience?.delete(socket);
    if (audience?.size === 0) this.byParty.delete(partyId);
  }

  /** Changes after `after` up to `upTo`, from the table; one query however many sockets ask at once. */
  private missed(partyId: number, after: number, upTo: number): Promise<PartyChangeRecord[]> {
    const key = `${partyId}:${after}:${upTo}`;
    let fetch = this.fetches.get(key);
    if (!fetch) {
      fetch = this.feed.range(partyId, after, upTo).finally(() => this.fetches.delete(key));
      this.fetches.set(key, fetch);
    }
    return fetch;
  }

  /** A socket that started following parties: whatever this process heard of them meanwhile is delivered (or skipped as seen). */
  private catchUpHeard(socket: EventSocket): void {
    for (const [party, followed] of socket.parties) {
      const heard = this.heard.get(party);
      if (heard && heard.version > followed.seen) {
        void socket.queue(party, () =>
          this.guarded(async () => {
            const current = socket.parties.get(party);
            if (!current) return;
            for (const record of await this.missed(party, current.seen, heard.version)) this.show(socket, current, record, 'replayed');
          }),
        );
      }
    }
  }

  /**
   * Finds committed changes the bus did not bring (Redis away, a process that died between its COMMIT
   * and its publish, a COMMIT whose answer was lost) and dispatches them like live ones; sockets skip
   * what they already have.
   */
  private async sweep(): Promise<void> {
    const startedAt = Date.now();
    for (const [party, heard] of this.heard) if (heard.at < startedAt - 2 * SWEEP_MARGIN_MS) this.heard.delete(party);
    if (this.sockets.size === 0) {
      this.lastSweep = startedAt; // nobody to deliver to: nothing from before now will be needed
      return;
    }
    try {
      for (const { party, first, last } of await this.feed.changedSince(new Date(this.lastSweep - SWEEP_MARGIN_MS))) {
        // From what this process heard of the party, else the window's start (handOut skips followers that have a version).
        const from = Math.max(this.heard.get(party)?.version ?? first - 1, first - 1);
        if (last > from) for (const record of await this.missed(party, from, last)) this.dispatch(record);
        // (dispatch orders them per party and skips what was heard meanwhile)
      }
      this.lastSweep = startedAt;
    } catch (error) {
      this.logger.warn(`could not look for missed party events: ${String(error)}`);
    }
  }

  /** Pings every socket (one not answering the previous ping is closed), and closes those whose session ended. */
  private async heartbeat(): Promise<void> {
    for (const socket of this.sockets) {
      if (!socket.alive) {
        socket.ws.terminate();
        this.remove(socket);
        continue;
      }
      socket.alive = false;
      socket.ws.ping();
    }
    const bySession = new Map<number, EventSocket[]>();
    for (const socket of this.sockets) {
      if (socket.subscriber?.kind === 'player') bySession.set(socket.subscriber.sessionId, [...(bySession.get(socket.subscriber.sessionId) ?? []), socket]);
    }
    if (bySession.size === 0) return;
    try {
      for (const [session, standing] of await this.sessions.standingOf([...bySession.keys()])) {
        if (standing === 'live') continue;
        for (const socket of bySession.get(session) ?? []) {
          socket.close(standing === 'banned' ? CLOSE.BANNED : CLOSE.UNAUTHENTICATED, standing === 'banned' ? 'the player is banned' : 'the session ended');
        }
      }
    } catch (error) {
      this.logger.warn(`could not check the sessions of event sockets: ${String(error)}`);
    }
  }

  private async guarded(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (error) {
      this.logger.error(`event delivery failed: ${String(error)}`);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
