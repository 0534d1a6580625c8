import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiSecurity } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/error-code';
import { SERVER_KEY_SCHEME, SESSION_SCHEME } from '../common/openapi/openapi';
import { ActingPlayerGuard, ServerKeyGuard } from './server-key.guard';
import { SessionGuard } from './session.guard';

/** Errors any route behind each guard may answer with, for the routes' documentation. */
export const WEB_AUTH_ERRORS = [ErrorCode.UNAUTHENTICATED, ErrorCode.BANNED, ErrorCode.RATE_LIMITED, ErrorCode.SERVICE_UNAVAILABLE];
export const SERVER_AUTH_ERRORS = [ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED, ErrorCode.SERVICE_UNAVAILABLE];
export const TRUSTED_AUTH_ERRORS = [
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.BANNED,
  ErrorCode.PLAYER_NOT_FOUND,
  ErrorCode.VALIDATION_FAILED,
  ErrorCode.RATE_LIMITED,
  ErrorCode.SERVICE_UNAVAILABLE,
];

/** Web API routes: a session token names the calling player. */
export const WebAuth = () => applyDecorators(UseGuards(SessionGuard), ApiBearerAuth(SESSION_SCHEME));

const actingPlayerQuery = (name: 'player' | 'caller', alias: string) =>
  ApiQuery({
    name,
    required: false,
    schema: { type: 'integer', format: 'int32', minimum: 1 },
    description: `The player the server acts for (alias: \`${alias}\`). Left out, the server acts as itself.`,
  });

/** Trusted Server API routes where the server acts as itself (player management). */
export const ServerAuth = () => applyDecorators(UseGuards(ServerKeyGuard), ApiSecurity(SERVER_KEY_SCHEME));

/** Trusted Server API party routes: the server key authenticates; `player`/`caller` names the acting player. */
export const TrustedAuth = () =>
  applyDecorators(
    UseGuards(ServerKeyGuard, ActingPlayerGuard),
    ApiSecurity(SERVER_KEY_SCHEME),
    actingPlayerQuery('player', 'caller'),
    actingPlayerQuery('caller', 'player'),
  );
