import { expect } from '@jest/globals';
import { Api, expectStatus, TestPlayer } from './api';
import { EventClient, EventMessage } from './event-client';

/** The events of each version of the matrix's party, as SPEC §7 orders them within a change. */
const EVERY: Record<number, string[]> = {
  2: ['request.created'],
  3: ['member.joined', 'request.accepted'],
  4: ['member.updated'],
  5: ['request.created'],
  6: ['member.joined', 'request.accepted'],
  7: ['request.created'],
  8: ['request.created'],
  9: ['request.rejected'],
  10: ['request.created'],
  11: ['member.joined', 'request.accepted'],
  12: ['member.kicked'],
  13: ['request.created'],
  14: ['member.joined', 'request.accepted'],
  15: ['member.banned'],
  16: ['member.banned'],
  17: ['ban.lifted'],
  18: ['party.updated'],
  19: ['member.updated'],
  20: ['member.updated'],
  21: ['request.created'],
  22: ['member.joined', 'request.accepted'],
  23: ['member.left'],
  24: ['request.created'],
  25: ['request.withdrawn'],
  26: ['owner.changed'],
  27: ['party.deleted'],
};

const all = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i).flatMap((v) => EVERY[v].map((type) => `${v} ${type}`));

/**
 * What each socket must have received, written out by hand from SPEC §7: o the owner (a plain member
 * after handing the party to a at v26), a an admin from v4, m a plain member from v6, w a requester
 * who waits to the end, r k b l q players whose request or membership ends, x an outsider who is
 * banned and unbanned, s the trusted server subscribed to all.
 */
const EXPECTED: Record<string, string[]> = {
  o: all(2, 27),
  s: all(2, 27),
  a: all(2, 27),
  m: [
    '5 request.created',
    ...all(6, 6),
    ...[7, 8, 9, 10].map((v) => `${v} hidden`),
    '11 member.joined',
    '12 member.kicked',
    '13 hidden',
    '14 member.joined',
    '15 member.banned',
    '16 hidden',
    '17 hidden',
    '18 party.updated',
    '19 member.updated',
    '20 hidden',
    '21 hidden',
    '22 member.joined',
    '23 member.left',
    '24 hidden',
    '25 hidden',
    '26 owner.changed',
    '27 party.deleted',
  ],
  w: ['7 request.created', '27 party.deleted'],
  x: [],
  r: ['8 request.created', '9 request.rejected'],
  k: ['10 request.created', ...all(11, 12)],
  b: ['13 request.created', ...all(14, 15)],
  l: ['21 request.created', ...all(22, 23)],
  q: ['24 request.created', '25 request.withdrawn'],
};

/**
 * Drives one private party through every event type (26 changes), writing through each of `writers`
 * in turn, with the sockets spread over `socketUrls` (one service process or several), and checks that
 * every socket received exactly its view. Returns the sockets (the caller closes them).
 */
export async function runVisibilityMatrix(api: Api, writers: Api[], socketUrls: string[]): Promise<EventClient[]> {
  const players = await api.players(10);
  const [o, a, m, w, x, r, k, b, l, q] = players;
  const created = await writers[0].web(o.token, 'post', '', { data: { name: 'Matrix', is_private: true } });
  expectStatus(created, 200);
  const partyId: number = created.body.row.id;
  const sockets = new Map<string, EventClient>();
  const names = ['o', 'a', 'm', 'w', 'x', 'r', 'k', 'b', 'l', 'q'];
  for (const [i, name] of names.entries()) sockets.set(name, await EventClient.ready(socketUrls[i % socketUrls.length], players[i].token));
  sockets.set('s', await EventClient.serverOfAll(socketUrls[socketUrls.length - 1]));

  let turn = 0;
  const web = async (player: TestPlayer, method: 'post' | 'put' | 'delete', path: string, body?: unknown) => {
    const res = await writers[turn++ % writers.length].web(player.token, method, `/${partyId}${path}`, body);
    expectStatus(res, 200);
    return res;
  };
  const request = async (player: TestPlayer) => (await web(player, 'post', '')).body.row.id as number;
  const accept = (membershipId: number, by = o) => web(by, 'put', `/waiting/${membershipId}`);

  await accept(await request(a)); // v2 request.created, v3 accepted
  await web(o, 'put', `/members/${a.id}/role`, { role: 2 }); // v4 member.updated
  await accept(await request(m), a); // v5, v6
  await request(w); // v7
  await web(a, 'delete', `/waiting/${await request(r)}`); // v8, v9 request.rejected
  await accept(await request(k)); // v10, v11
  await web(o, 'delete', `/members/${k.id}`); // v12 member.kicked
  await accept(await request(b)); // v13, v14
  await web(a, 'put', `/bans/${b.id}`); // v15 member.banned (a member)
  await web(o, 'put', `/bans/${x.id}`); // v16 member.banned (an outsider)
  await web(o, 'delete', `/bans/${x.id}`); // v17 ban.lifted
  await web(o, 'put', '', { data: { desc: 'changed' } }); // v18 party.updated
  await web(m, 'put', '/members/me', { data: 'm' }); // v19 member.updated (a member)
  await web(w, 'put', '/members/me', { data: 'w' }); // v20 member.updated (a request)
  await accept(await request(l)); // v21, v22
  await web(l, 'delete', ''); // v23 member.left
  await request(q); // v24
  await web(q, 'delete', ''); // v25 request.withdrawn
  await web(o, 'put', '', { data: { owner: a.id } }); // v26 owner.changed
  await web(a, 'post', '/disband'); // v27 party.deleted

  for (const name of ['o', 's', 'a', 'm', 'w']) await sockets.get(name)!.until(partyId, 27);
  await new Promise((resolve) => setTimeout(resolve, 300)); // anything extra would have arrived by now
  for (const [name, client] of sockets) {
    const seen = client.seen(partyId).map(([version, type]) => `${version} ${type}`);
    expect({ socket: name, seen }).toEqual({ socket: name, seen: EXPECTED[name] });
  }
  // Every event carries the party, its version and a timestamp; `hidden` carries no data.
  const member = sockets.get('m')!.messages.filter((message: EventMessage) => message.party === partyId);
  for (const message of member) expect(message).toMatchObject({ party: partyId, version: expect.any(Number), at: expect.stringMatching(/Z$/) });
  expect(member.find((message) => message.type === 'hidden')).not.toHaveProperty('data');
  expect(member.find((message) => message.type === 'member.kicked')?.data).toMatchObject({ membership: { player: k.id }, by: o.id });
  expect(member.find((message) => message.type === 'owner.changed')?.data).toEqual({ owner: a.id, previous: o.id });
  expect(member.find((message) => message.type === 'party.deleted')?.data).toMatchObject({ party: { id: partyId, version: 26 } });
  return [...sockets.values()];
}
