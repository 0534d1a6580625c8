import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** Who is acting on a request: a player (Web API, or the Trusted API with `player`/`caller`), or the trusted server itself. */
export type Caller = { kind: 'player'; playerId: number } | { kind: 'server' };

export const SERVER: Caller = { kind: 'server' };
export const asPlayer = (playerId: number): Caller => ({ kind: 'player', playerId });

export interface RequestWithCaller {
  caller?: Caller;
  /** The Web API session the request came with (for ending it). */
  sessionId?: number;
}

/**
 * The acting identity, set by WebAuth or TrustedAuth. A handler that asks for it without a guard fails
 * loudly instead of acting as nobody.
 */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new Error('no caller on the request: the route is missing WebAuth() or TrustedAuth()');
  return caller;
});

/** The id of the Web API session the request came with (WebAuth routes only). */
export const CurrentSessionId = createParamDecorator((_: unknown, context: ExecutionContext): number => {
  const sessionId = context.switchToHttp().getRequest<RequestWithCaller>().sessionId;
  if (sessionId === undefined) throw new Error('no session on the request: the route is missing WebAuth()');
  return sessionId;
});
