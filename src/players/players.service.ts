import { Injectable } from '@nestjs/common';
import { sha256Hex } from '../common/hashing';
import { EntityManager } from 'typeorm';
import { Row } from '../common/openapi/envelopes';
import { Transactions } from '../database/transactions';
import { EventBus } from '../realtime/event-bus';
import { PlayerFields } from './dto/player.dto';
import { Player } from './entities/player.entity';
import { NewPlayer, PlayerRepository } from './player.repository';
import { PlayerView, toPlayerView } from './player.view';
import { playerBanned, playerNotFound, usernameTaken } from './players.errors';
import { SessionRepository } from './session.repository';

/** API field → entity property, for edits. */
const EDITABLE: Record<keyof PlayerFields, keyof Player> = {
  username: 'username',
  name: 'name',
  image: 'image',
  label: 'label',
  tags: 'tags',
  is_guest: 'isGuest',
  is_tester: 'isTester',
  is_ban: 'isBan',
};

@Injectable()
export class PlayersService {
  constructor(
    private readonly transactions: Transactions,
    private readonly players: PlayerRepository,
    private readonly sessions: SessionRepository,
    private readonly bus: EventBus,
  ) {}

  create(fields: PlayerFields): Promise<Row<PlayerView>> {
    return this.transactions.run(async (tx) => ({ row: toPlayerView(await this.insert(fields, null, tx)) }));
  }

  /** A new guest player, inside the caller's transaction. */
  async createGuest(name: string, tx: EntityManager): Promise<number> {
    return (await this.insert({ name, is_guest: true }, null, tx)).id;
  }

  /**
   * The id of the guest player bound to a device, created on its first sign-in (SPEC §1), inside the
   * caller's transaction. Two first sign-ins of one device at once create one player: the unique key
   * on the device decides, and the loser reads the winner's player.
   */
  async guestOfDevice(deviceId: string, name: string, tx: EntityManager): Promise<number> {
    const deviceHash = sha256Hex(deviceId);
    const existing = await this.players.findByDeviceHash(deviceHash, tx);
    if (existing) return existing.id;
    const created = await this.players.insert(this.newPlayer({ name, is_guest: true }, deviceHash), tx);
    const player = created ?? (await this.players.findByDeviceHash(deviceHash, tx));
    if (!player) throw new Error('guest device vanished between its insert and its read');
    return player.id;
  }

  /** Whether a player exists, inside the caller's transaction (players are never deleted). */
  exists(playerId: number, tx: EntityManager): Promise<boolean> {
    return this.players.exists(playerId, tx);
  }

  async get(playerId: number): Promise<Row<PlayerView>> {
    return { row: toPlayerView(await this.existing(playerId)) };
  }

  /** The id of the player a trusted server acts for: the player must exist and must not be banned. */
  async activeId(playerId: number): Promise<number> {
    const player = await this.existing(playerId);
    if (player.isBan) throw playerBanned(player.id);
    return player.id;
  }

  /** Changes only the fields given. Banning a player ends all of their sessions (SPEC §1). */
  update(playerId: number, fields: PlayerFields): Promise<Row<PlayerView>> {
    const changes: Partial<Player> = {};
    for (const [field, property] of Object.entries(EDITABLE) as [keyof PlayerFields, keyof Player][]) {
      if (fields[field] !== undefined) Object.assign(changes, { [property]: fields[field] });
    }
    return this.transactions.run(async (tx) => {
      if (Object.keys(changes).length > 0 && !(await this.players.update(playerId, changes, tx))) throw usernameTaken(fields.username);
      const player = await this.existing(playerId, tx);
      if (fields.is_ban === true) {
        await this.sessions.revokeAllOf(playerId, tx);
        this.transactions.afterCommit(tx, () => this.bus.publish({ kind: 'player-banned', player: playerId }));
      }
      return { row: toPlayerView(player) };
    });
  }

  private async insert(fields: PlayerFields, deviceHash: string | null, tx: EntityManager): Promise<Player> {
    const player = await this.players.insert(this.newPlayer(fields, deviceHash), tx);
    if (!player) throw usernameTaken(fields.username);
    return player;
  }

  private newPlayer(fields: PlayerFields, deviceHash: string | null): NewPlayer {
    return {
      name: fields.name ?? '',
      image: fields.image ?? '',
      username: fields.username ?? null,
      label: fields.label ?? '',
      tags: fields.tags ?? '',
      isGuest: fields.is_guest ?? false,
      isTester: fields.is_tester ?? false,
      isBan: false,
      firstLogin: null,
      lastLogin: null,
      createdAt: new Date(),
      deviceHash,
    };
  }

  private async existing(playerId: number, tx?: EntityManager): Promise<Player> {
    const player = await this.players.findById(playerId, tx);
    if (!player) throw playerNotFound(playerId);
    return player;
  }
}
