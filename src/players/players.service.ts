import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isDuplicateKey } from '../common/errors/database-errors';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { PlayerFields } from './dto/player.dto';
import { Player } from './entities/player.entity';

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
  constructor(@InjectRepository(Player) private readonly players: Repository<Player>) {}

  async create(fields: PlayerFields): Promise<Player> {
    const player = this.players.create({
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
    });
    return this.players.save(player).catch((error) => rethrowUsernameTaken(error, player.username));
  }

  async get(id: number): Promise<Player> {
    const player = await this.players.findOneBy({ id });
    if (!player) throw new DomainError(ErrorCode.PLAYER_NOT_FOUND, `player ${id} does not exist`);
    return player;
  }

  /** The player a trusted server acts for: must exist and must not be banned. */
  async getActive(id: number): Promise<Player> {
    const player = await this.get(id);
    assertNotBanned(player);
    return player;
  }

  /** Writes only the fields given, so an edit racing another (a ban, say) never writes back what it read. */
  async update(id: number, fields: PlayerFields): Promise<Player> {
    const changes: Partial<Player> = {};
    for (const [field, property] of Object.entries(EDITABLE) as [keyof PlayerFields, keyof Player][]) {
      if (fields[field] !== undefined) Object.assign(changes, { [property]: fields[field] });
    }
    if (Object.keys(changes).length > 0) {
      await this.players.update({ id }, changes).catch((error) => rethrowUsernameTaken(error, fields.username));
    }
    return this.get(id);
  }
}

/** The unique key on username is what decides, also between racing requests. */
function rethrowUsernameTaken(error: unknown, username: string | null | undefined): never {
  if (isDuplicateKey(error)) throw new DomainError(ErrorCode.USERNAME_TAKEN, `username "${username}" is taken`);
  throw error;
}

export function assertNotBanned(player: Pick<Player, 'id' | 'isBan'>): void {
  if (player.isBan) throw new DomainError(ErrorCode.BANNED, `player ${player.id} is banned`);
}
