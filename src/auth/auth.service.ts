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

  /** A new guest player and a session for it; `user` is read after the login was recorded. */
  async guest(body: GuestLoginBody): Promise<GuestSignIn> {
    const player = await this.players.create({ name: body.name ?? '', is_guest: true });
    const session = await this.sessions.issue(player.id);
    return { user: await this.players.get(player.id), ...session };
  }
}
