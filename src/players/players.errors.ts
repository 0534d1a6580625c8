import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';

/** The errors of the players module, in one place. */
export const playerNotFound = (playerId: number) => new DomainError(ErrorCode.PLAYER_NOT_FOUND, `player ${playerId} does not exist`);

export const usernameTaken = (username: string | null | undefined) => new DomainError(ErrorCode.USERNAME_TAKEN, `username "${username}" is taken`);

export const playerBanned = (playerId: number) => new DomainError(ErrorCode.BANNED, `player ${playerId} is banned`);

export const sessionUnknown = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'session token is unknown or expired');
