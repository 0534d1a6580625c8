/*
 * A game server's round trip with the typed client: it creates a player and signs them in, that
 * player creates a private party, a guest asks to join, and the server accepts the request.
 *
 *   npx ts-node clients/typescript/example/game-server.ts http://localhost:3000 <SERVER_KEY>
 */
import { createPartyClient } from '../index';

export interface RoundTrip {
  ownerId: number;
  guestId: number;
  partyId: number;
  memberCount: number;
}

/** Fails loudly with the service's error body, which names what went wrong. */
function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data;
}

export async function gameServerRoundTrip(baseUrl: string, serverKey: string): Promise<RoundTrip> {
  const server = createPartyClient(baseUrl, { serverKey });

  // The game server creates its player and hands them a session.
  const owner = must(await server.POST('/server/players', { body: { data: { name: 'Host' } } })).row;
  const session = must(await server.POST('/server/players/{playerId}/sessions', { params: { path: { playerId: owner.id } } }));

  // The player (a game client) creates a private party.
  const host = createPartyClient(baseUrl, { token: session.token });
  const party = must(await host.POST('/api/table/services/parties', { body: { data: { name: 'Evening raid', is_private: true, max_member_count: 4 } } })).row;

  // Another player signs in as a guest and asks to join.
  const guestSignIn = must(await createPartyClient(baseUrl).POST('/api/auth/guest', { body: { name: 'Wanderer' } }));
  const guest = createPartyClient(baseUrl, { token: guestSignIn.token });
  const request = must(await guest.POST('/api/table/services/parties/{partyId}', { params: { path: { partyId: party.id } }, body: {} })).row;

  // The game server, acting as itself, accepts the request.
  must(await server.PUT('/server/services/party/{partyId}/waiting/{membershipId}', { params: { path: { partyId: party.id, membershipId: request.id } } }));
  const after = must(await server.GET('/server/services/party/{partyId}', { params: { path: { partyId: party.id } } })).row;
  return { ownerId: owner.id, guestId: guestSignIn.user.id, partyId: party.id, memberCount: after.member_count };
}

if (require.main === module) {
  const [baseUrl = 'http://localhost:3000', serverKey = process.env.SERVER_KEY ?? ''] = process.argv.slice(2);
  gameServerRoundTrip(baseUrl, serverKey).then(
    (trip) => console.log(JSON.stringify(trip)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
