import { ApiProperty } from '@nestjs/swagger';
import { ApiInt } from '../common/openapi/envelopes';
import { Player } from './entities/player.entity';

/** A player as the API shows it (SPEC §1). */
export class PlayerView {
  @ApiInt({ example: 1 }) id: number;
  @ApiProperty({ example: 'Ada' }) name: string;
  @ApiProperty({ example: '' }) image: string;
  @ApiProperty({ type: String, nullable: true, example: 'ada' }) username: string | null;
  @ApiProperty({ example: '' }) label: string;
  @ApiProperty({ example: '' }) tags: string;
  @ApiProperty() is_ban: boolean;
  @ApiProperty() is_tester: boolean;
  @ApiProperty() is_guest: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) first_login: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_login: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
}

export function toPlayerView(player: Player): PlayerView {
  return Object.assign(playerFields(player), { created_at: player.createdAt.toISOString() }); // see toMemberView
}

/** The player's fields shown wherever a player appears (members included), all but created_at. */
export function playerFields(player: Player): Omit<PlayerView, 'created_at'> {
  return {
    id: player.id,
    name: player.name,
    image: player.image,
    username: player.username,
    label: player.label,
    tags: player.tags,
    is_ban: player.isBan,
    is_tester: player.isTester,
    is_guest: player.isGuest,
    first_login: isoOrNull(player.firstLogin),
    last_login: isoOrNull(player.lastLogin),
  };
}

export function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** A session token as it is handed out (once: only its hash is kept). */
export class SessionView {
  @ApiProperty({ description: 'Opaque session token (256 random bits) for `Authorization: Bearer <token>`; shown only here.' }) token: string;
  @ApiProperty({ type: String, format: 'date-time' }) expires_at: string;
}
