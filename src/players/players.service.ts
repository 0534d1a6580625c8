import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { PlayerFields } from './dto/player.dto';
import { Player } from './entities/player.entity';
import { PlayerRepository } from './player.repository';
import { playerBanned, playerNotFound, usernameTaken } from './players.errors';
import { PlayerView, toPlayerView } from './player.view';

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
  constructor(private readonly players: PlayerRepository) {}

  async create(fields: PlayerFields): Promise<PlayerView> {
    const player = await this.players.insert(this.newPlayer(fields, null));
    if (!player) throw usernameTaken(fields.username);
    return toPlayerView(player);
  }

  /**
   * The id of the guest player bound to a device, created on its first sign-in (SPEC §1). Two first
   * sign-ins of one device at once create one player: the unique key on the device decides.
   */
  async guestOfDevice(deviceId: string, name: string): Promise<number> {
    const deviceHash = createHash('sha256').update(deviceId).digest('hex');
    const existing = await this.players.findByDeviceHash(deviceHash);
    if (existing) return existing.id;
    const created = await this.players.insert(this.newPlayer({ name, is_guest: true }, deviceHash));
    const player = created ?? (await this.players.findByDeviceHash(deviceHash));
    if (!player) throw new Error('guest device vanished between its insert and its read');
    return player.id;
  }

  async get(playerId: number): Promise<PlayerView> {
    return toPlayerView(await this.existing(playerId));
  }

  /** The id of the player a trusted server acts for: the player must exist and must not be banned. */
  async activeId(playerId: number): Promise<number> {
    const player = await this.existing(playerId);
    if (player.isBan) throw playerBanned(player.id);
    return player.id;
  }

  /** Changes only the fields given. */
  async update(playerId: number, fields: PlayerFields): Promise<PlayerView> {
    const changes: Partial<Player> = {};
    for (const [field, property] of Object.entries(EDITABLE) as [keyof PlayerFields, keyof Player][]) {
      if (fields[field] !== undefined) Object.assign(changes, { [property]: fields[field] });
    }
    if (Object.keys(changes).length > 0 && !(await this.players.update(playerId, changes))) throw usernameTaken(fields.username);
    return this.get(playerId);
  }

  private newPlayer(fields: PlayerFields, deviceHash: string | null): Omit<Player, 'id'> {
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

  private async existing(playerId: number): Promise<Player> {
    const player = await this.players.findById(playerId);
    if (!player) throw playerNotFound(playerId);
    return player;
  }
}
