import createClient, { Client } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';

/** How the client authenticates: a player's session token (Web API), the server key (Trusted API), or neither. */
export interface PartyClientAuth {
  token?: string;
  serverKey?: string;
}

/**
 * A typed client for the Party service, generated from openapi.json (`npm run openapi` regenerates
 * schema.d.ts) and driven by openapi-fetch: paths, parameters, bodies and answers are all typed.
 */
export function createPartyClient(baseUrl: string, auth: PartyClientAuth = {}): Client<paths> {
  const headers: Record<string, string> = {};
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  if (auth.serverKey) headers['X-Server-Key'] = auth.serverKey;
  return createClient<paths>({ baseUrl, headers });
}
