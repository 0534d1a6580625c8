import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { GuestLoginBody } from '../players/dto/player.dto';
import { PlayerView, toPlayerView } from '../players/player.view';
import { PlayersService } from '../players/players.service';
import { SessionsService } from '../players/sessions.service';

export interface GuestSignIn {
  user: PlayerView;
  token: string;
  expires_at: string;
}

/** Sign-in flows of the Web API. */
@Injectable()
export class AuthService {
  constructor(
    private readonly transactions: Transactions,
    private readonly players: PlayersService,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * A session for a guest player: the one bound to `device_id` (created on its first sign-in), or a
   * new guest without one. One unit of work: no guest is left without the session it was created for.
   */
  guest(body: GuestLoginBody): Promise<GuestSignIn> {
    const name = body.name ?? '';
    return this.transactions.run(async (tx) => {
      const playerId = body.device_id ? await this.players.guestOfDevice(body.device_id, name, tx) : await this.players.createGuest(name, tx);
      const { player, session } = await this.sessions.signIn(playerId, tx);
      return { user: toPlayerView(player), ...session };
    });
  }
}
