import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';

/** The errors of the auth module, in one place. */

export const malformedSessionHeader = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'missing or malformed Authorization: Bearer <session token>');

/** The SDKs' "invalid token" is about session tokens; a refused server key says what it is. */
export const serverKeyRefused = (why: string) => new DomainError(ErrorCode.UNAUTHENTICATED, why, { msg: why });

export const badActingPlayer = (parameter: string) => new DomainError(ErrorCode.VALIDATION_FAILED, `${parameter} must be a positive 32-bit integer`);

export const actingPlayersDiffer = () => new DomainError(ErrorCode.VALIDATION_FAILED, 'player and caller name different players; give one of them');

export const guestSignInOff = () => new DomainError(ErrorCode.NOT_FOUND, 'guest sign-in is turned off');
