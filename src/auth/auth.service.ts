import { Injectable } from '@nestjs/common';
import { GuestLoginBody } from '../players/dto/player.dto';
import { PlayerView } from '../players/player.view';
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
    private readonly players: PlayersService,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * A session for a guest player: the one bound to `device_id` (created on its first sign-in), or a
   * new guest without one. `user` is read after the login was recorded.
   */
  async guest(body: GuestLoginBody): Promise<GuestSignIn> {
    const name = body.name ?? '';
    const playerId = body.device_id ? await this.players.guestOfDevice(body.device_id, name) : (await this.players.create({ name, is_guest: true })).id;
    const session = await this.sessions.issue(playerId);
    return { user: await this.players.get(playerId), ...session };
  }
}
