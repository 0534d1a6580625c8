import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../common/hashing';
import { EntityManager } from 'typeorm';
import { purgeInBatches } from '../common/purge';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transactions';
import { EventBus } from '../realtime/event-bus';
import { Player } from './entities/player.entity';
import { PlayerRepository } from './player.repository';
import { SessionView } from './player.view';
import { playerBanned, playerNotFound, sessionUnknown } from './players.errors';
import { SessionCache } from './session-cache';
import { SessionOwner, SessionRepository } from './session.repository';

/** Live sessions a player may hold; a new one ends the oldest beyond it (README: "Sessions"). */
export const MAX_SESSIONS_PER_PLAYER = 10;

/** A player signed in: who, and the session handed out. */
export interface SignIn {
  player: Player;
  session: SessionView;
}

/** Session tokens: 256 random bits, handed out once, kept only as a SHA-256 hash. */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');

  constructor(
    private readonly sessions: SessionRepository,
    private readonly players: PlayerRepository,
    private readonly transactions: Transactions,
    private readonly bus: EventBus,
    private readonly cache: SessionCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Issues a token for a player (Trusted API). */
  issue(playerId: number): Promise<SessionView> {
    // The unit of work's result is the answer (an Idempotency-Key stores it): the session alone.
    return this.transactions.run(async (tx) => (await this.signIn(playerId, tx)).session);
  }

  /**
   * Records the login (`first_login` once, `last_login` every time) and hands out a session, inside the
   * caller's transaction; beyond MAX_SESSIONS_PER_PLAYER the oldest sessions end. The player row is
   * locked first: inserting the session would take a shared lock on it (foreign key) that the login
   * update then had to upgrade, and two logins of one player would deadlock.
   */
  async signIn(playerId: number, tx: EntityManager): Promise<SignIn> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlSeconds * 1000);
    const player = await this.players.recordLogin(playerId, now, tx);
    if (!player) throw playerNotFound(playerId);
    if (player.isBan) throw playerBanned(playerId);
    await this.sessions.insert({ tokenHash: sha256Hex(token), playerId, expiresAt, createdAt: now, revoked: false }, tx);
    for (const ended of await this.sessions.deleteAllButNewest(playerId, MAX_SESSIONS_PER_PLAYER, tx)) {
      this.transactions.afterCommit(tx, () => this.bus.publish({ kind: 'session-ended', session: ended }));
    }
    return { player, session: { token, expires_at: expiresAt.toISOString() } };
  }

  /**
   * The live session behind a token; 401 for an unknown, expired or ended one, 403 for a banned
   * player (also on sessions the ban ended, while it lasts).
   */
  async authenticate(token: string): Promise<SessionOwner> {
    const tokenHash = sha256Hex(token);
    const epoch = this.cache.epoch;
    const owner = await this.sessions.findLiveOwner(tokenHash, new Date());
    if (!owner) throw sessionUnknown();
    if (owner.isBan) throw playerBanned(owner.playerId);
    if (owner.revoked) throw sessionUnknown();
    this.cache.remember(tokenHash, owner, epoch);
    return owner;
  }

  /** The session behind a token if it was verified moments ago (see SessionCache); null means: ask authenticate(). */
  recentlyVerified(token: string): SessionOwner | null {
    return this.cache.get(sha256Hex(token));
  }

  /** Ends the calling session: its token answers 401 from then on. */
  end(sessionId: number): Promise<{ affected: number }> {
    return this.transactions.run(async (tx) => {
      this.transactions.afterCommit(tx, () => this.bus.publish({ kind: 'session-ended', session: sessionId }));
      return { affected: await this.sessions.delete(sessionId, tx) };
    });
  }

  /**
   * How each of these sessions stands now: live, ended (expired, logged out, replaced by newer ones) or
   * banned. Event sockets outlive the request that opened them, so they are checked again from time to time.
   */
  async standingOf(sessionIds: number[]): Promise<Map<number, 'live' | 'ended' | 'banned'>> {
    const owners = [];
    for (let i = 0; i < sessionIds.length; i += 500) {
      const chunk = sessionIds.slice(i, i + 500);
      owners.push(...(await this.transactions.read((manager) => this.sessions.owners(chunk, new Date(), manager))));
    }
    const standing = new Map<number, 'live' | 'ended' | 'banned'>(sessionIds.map((id) => [id, 'ended']));
    for (const owner of owners) standing.set(owner.sessionId, owner.isBan ? 'banned' : owner.revoked ? 'ended' : 'live');
    return standing;
  }

  /** Deletes expired sessions, in bounded batches. */
  @Interval(10 * 60 * 1000)
  async purgeExpired(): Promise<number> {
    const purged = await purgeInBatches((limit) => this.sessions.purgeExpired(new Date(), limit));
    if (purged > 0) this.logger.log(`purged ${purged} expired sessions`);
    return purged;
  }
}
