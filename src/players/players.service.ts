import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isDuplicateKey } from '../common/errors/database-errors';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { PlayerFields } from './dto/player.dto';
import { Player } from './entities/player.entity';

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
    return this.saveUnique(player);
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

  async update(id: number, fields: PlayerFields): Promise<Player> {
    const player = await this.get(id);
    if (fields.username !== undefined) player.username = fields.username;
    if (fields.name !== undefined) player.name = fields.name;
    if (fields.image !== undefined) player.image = fields.image;
    if (fields.label !== undefined) player.label = fields.label;
    if (fields.tags !== undefined) player.tags = fields.tags;
    if (fields.is_guest !== undefined) player.isGuest = fields.is_guest;
    if (fields.is_tester !== undefined) player.isTester = fields.is_tester;
    if (fields.is_ban !== undefined) player.isBan = fields.is_ban;
    return this.saveUnique(player);
  }

  private async saveUnique(player: Player): Promise<Player> {
    try {
      return await this.players.save(player);
    } catch (error) {
      if (isDuplicateKey(error)) throw new DomainError(ErrorCode.USERNAME_TAKEN, `username "${player.username}" is taken`);
      throw error;
    }
  }
}

export function assertNotBanned(player: Pick<Player, 'id' | 'isBan'>): void {
  if (player.isBan) throw new DomainError(ErrorCode.BANNED, `player ${player.id} is banned`);
}
