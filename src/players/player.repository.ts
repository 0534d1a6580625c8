import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { isDuplicateKey } from '../database/dialect';
import { Player } from './entities/player.entity';

/** The columns a new player starts with (everything but the generated id). */
export type NewPlayer = Omit<Player, 'id'>;

/** Every statement about the `player` table. Methods that take `tx` run inside the caller's transaction. */
@Injectable()
export class PlayerRepository {
  constructor(@InjectRepository(Player) private readonly players: Repository<Player>) {}

  /** The stored player with its id; null when its username or device is taken (the unique keys decide, also between racing requests). */
  async insert(fields: NewPlayer, tx: EntityManager): Promise<Player | null> {
    try {
      // A copy goes in: TypeORM writes the database's raw values (0/1 for booleans on MySQL) back into what it inserts.
      const { identifiers } = await tx.insert(Player, { ...fields });
      return tx.create(Player, { ...fields, id: (identifiers[0] as { id: number }).id });
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  findById(playerId: number, tx: EntityManager = this.players.manager): Promise<Player | null> {
    return tx.findOneBy(Player, { id: playerId });
  }

  findByDeviceHash(deviceHash: string, tx: EntityManager): Promise<Player | null> {
    return tx.findOneBy(Player, { deviceHash });
  }

  exists(playerId: number, tx: EntityManager): Promise<boolean> {
    return tx.existsBy(Player, { id: playerId });
  }

  /**
   * Writes only the given columns, so an edit racing another (a ban, say) never writes back what it
   * read. False when the new username is taken.
   */
  async update(playerId: number, changes: Partial<Player>, tx: EntityManager): Promise<boolean> {
    try {
      await tx.update(Player, { id: playerId }, changes);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * Records a login (`last_login` every time, `first_login` once) and returns the player as it is now,
   * or null if there is none. The update comes first so that it locks the player row before anything
   * else in the transaction touches it (see SessionsService.issue).
   */
  async recordLogin(playerId: number, at: Date, tx: EntityManager): Promise<Player | null> {
    const { affected } = await tx.update(Player, { id: playerId }, { lastLogin: at });
    const player = affected ? await tx.findOneBy(Player, { id: playerId }) : null;
    if (player && !player.firstLogin) {
      await tx.update(Player, { id: playerId }, { firstLogin: at });
      player.firstLogin = at;
    }
    return player;
  }
}
