import { afterEach, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { expectStatus, TestPlayer } from '../support/api';
import { EventClient } from '../support/event-client';
import { runVisibilityMatrix } from '../support/realtime-matrix';
import { describeApi, useTestApp } from '../support/test-app';

/** SPEC §7 on one service process (both databases): versions, ETag/If-Match, sockets, who sees what, resume. */
describeApi('realtime events, versions and optimistic concurrency', () => {
  const t = useTestApp();
  let clients: EventClient[] = [];
  const track = (client: EventClient) => (clients.push(client), client);
  const ready = async (player: TestPlayer) => track(await EventClient.ready(t.app.url, player.token));
  afterEach(() => {
    clients.forEach((client) => client.close());
    clients = [];
  });

  const edit = (player: TestPlayer, partyId: number, data: Record<string, unknown>, ifMatch?: string) =>
    t.api.send(
      'put',
      `/api/table/services/parties/${partyId}`,
      { authorization: `Bearer ${player.token}`, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
      { data },
    );
  const eventRows = async (partyId: number) => Number((await t.db.query('SELECT COUNT(*) AS n FROM party_event WHERE party_id = ?', [partyId]))[0].n);

  describe('versions, ETag and If-Match', () => {
    it('a party starts at version 1 with no event; each change raises it by one and records one event row', async () => {
      const [owner, joiner] = await t.api.players(2);
      const party = await t.api.party(owner);
      expect(party.version).toBe(1);
      const got = await t.api.web(owner.token, 'get', `/${party.id}`);
      expect(got.headers.etag).toBe('"1"');
      expect(await eventRows(party.id)).toBe(1); // creation's row: no events, the owner moved in
      expectStatus(await t.api.join(joiner, party.id), 200);
      const after = await t.api.web(owner.token, 'get', `/${party.id}`);
      expect(after.headers.etag).toBe('"2"');
      expect(after.body.row.version).toBe(2);
      expect(await eventRows(party.id)).toBe(2);
    });

    it('If-Match: the current version writes (and answers the new ETag); a stale one is 412 VERSION_MISMATCH and writes nothing', async () => {
      const [owner] = await t.api.players(1);
      const party = await t.api.party(owner, { name: 'Before' });
      const ok = await edit(owner, party.id, { name: 'After' }, '"1"');
      expectStatus(ok, 200);
      expect(ok.headers.etag).toBe('"2"');
      expect(ok.body.row.version).toBe(2);
      const stale = await edit(owner, party.id, { name: 'Lost update' }, '"1"');
      expectStatus(stale, 412, 'VERSION_MISMATCH');
      const now = await t.api.getParty(party.id);
      expect(now).toMatchObject({ name: 'After', version: 2 });
      expect(await eventRows(party.id)).toBe(2);
      expectStatus(await edit(owner, party.id, { name: 'Weak' }, 'W/"2"'), 200);
      expectStatus(await edit(owner, party.id, { name: 'Any' }, '*'), 200);
    });

    it('If-Match applies to every write to a party: a stale join is refused and joins nobody', async () => {
      const [owner, joiner] = await t.api.players(2);
      const party = await t.api.party(owner);
      expectStatus(await edit(owner, party.id, { desc: 'v2' }), 200);
      const res = await t.api.send('post', `/api/table/services/parties/${party.id}`, { authorization: `Bearer ${joiner.token}`, 'if-match': '"1"' }, {});
      expectStatus(res, 412, 'VERSION_MISMATCH');
      expect((await t.api.getParty(party.id)).member_count).toBe(1);
    });

    it('writes that change nothing raise nothing: an edit to the same values, the same role again, a second ban', async () => {
      const [owner, member, outsider] = await t.api.players(3);
      const party = await t.api.party(owner, { name: 'Same' });
      expectStatus(await t.api.join(member, party.id), 200); // v2
      expectStatus(await edit(owner, party.id, { name: 'Same' }), 200);
      expectStatus(await edit(owner, party.id, { owner: owner.id, member_count: 2, version: 2 }), 200);
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}/members/${member.id}/role`, { role: 3 }), 200);
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}/bans/${outsider.id}`), 200); // v3
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}/bans/${outsider.id}`), 200);
      expectStatus(await t.api.web(member.token, 'put', `/${party.id}/members/me`, { data: '' }), 200);
      expect((await t.api.getParty(party.id)).version).toBe(3);
      expect(await eventRows(party.id)).toBe(3);
      // Variables are a map: the same ones in another order are no change either.
      expectStatus(await edit(owner, party.id, { variables: { a: '1', b: '2' } }), 200); // v4
      expectStatus(await edit(owner, party.id, { variables: { b: '2', a: '1' } }), 200);
      expectStatus(await t.api.web(member.token, 'put', `/${party.id}/members/me`, { variables: { x: '1', y: '2' } }), 200); // v5
      expectStatus(await t.api.web(member.token, 'put', `/${party.id}/members/me`, { variables: { y: '2', x: '1' } }), 200);
      expect((await t.api.getParty(party.id)).version).toBe(5);
    });
  });

  describe('authentication and the socket protocol', () => {
    it('a player authenticates by header or by a first message, and is answered ready', async () => {
      const [player] = await t.api.players(1);
      const byHeader = await ready(player);
      expect(byHeader.messages[0]).toEqual({ type: 'ready', player: player.id });
      const byMessage = track(await EventClient.player(t.app.url));
      byMessage.send({ type: 'auth', token: player.token });
      expect(await byMessage.next((m) => m.type === 'ready')).toEqual({ type: 'ready', player: player.id });
    });

    it('a bad token closes with 4401, by header or by message', async () => {
      const byHeader = track(await EventClient.player(t.app.url, 'not-a-real-session-token-000000'));
      expect((await byHeader.closed).code).toBe(4401);
      const byMessage = track(await EventClient.player(t.app.url));
      byMessage.send({ type: 'auth', token: 'not-a-real-session-token-000000' });
      expect((await byMessage.closed).code).toBe(4401);
    });

    it('no auth message within 5 s closes with 4401; messages before it are answered with an error', async () => {
      const silent = track(await EventClient.player(t.app.url));
      silent.send({ type: 'resume', party: 1, since: 0 });
      expect(await silent.next((m) => m.type === 'error')).toMatchObject({ code: 'VALIDATION_FAILED' });
      const started = Date.now();
      expect((await silent.closed).code).toBe(4401);
      expect(Date.now() - started).toBeGreaterThan(3500);
    }, 15_000);

    it('logging out closes the session’s sockets with 4401; banning the player closes theirs with 4403, and refuses new ones', async () => {
      const [leaving, banned] = await t.api.players(2);
      const leavingSocket = await ready(leaving);
      expectStatus(await t.api.send('delete', '/api/auth/session', { authorization: `Bearer ${leaving.token}` }), 200);
      expect((await leavingSocket.closed).code).toBe(4401);
      const bannedSocket = await ready(banned);
      expectStatus(await t.api.server('put', `/server/players/${banned.id}`, { data: { is_ban: true } }), 200);
      expect((await bannedSocket.closed).code).toBe(4403);
      const again = track(await EventClient.player(t.app.url, banned.token));
      expect((await again.closed).code).toBe(4403);
    });

    it('the server socket needs the server key on the upgrade (401 without it)', async () => {
      await expect(EventClient.server(t.app.url, 'wrong-key')).rejects.toThrow('upgrade refused: 401');
      await expect(EventClient.server(t.app.url, '')).rejects.toThrow('upgrade refused: 401');
      const server = track(await EventClient.server(t.app.url));
      expect(await server.next((m) => m.type === 'ready')).toEqual({ type: 'ready', player: 0 });
    });

    it('a message it does not understand is answered with VALIDATION_FAILED and the socket stays open; over 4 KiB closes with 1009', async () => {
      const [player] = await t.api.players(1);
      const socket = await ready(player);
      for (const bad of ['not json', '[]', '{"type":"dance"}', '{"type":"resume","party":-1,"since":0}', '{"type":"subscribe","all":true}']) {
        const from = socket.messages.length;
        socket.send(bad);
        expect(await socket.next((m) => m.type === 'error', 5000, from)).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) });
      }
      const server = track(await EventClient.server(t.app.url));
      server.send({ type: 'subscribe', parties: [1, 'x'] });
      expect(await server.next((m) => m.type === 'error')).toMatchObject({ code: 'VALIDATION_FAILED' });
      socket.send(JSON.stringify({ type: 'auth', token: 'x'.repeat(5000) }));
      expect((await socket.closed).code).toBe(1009);
    });

    it('more than 20 messages a second are refused with RATE_LIMITED', async () => {
      const [player] = await t.api.players(1);
      const socket = await ready(player);
      for (let i = 0; i < 25; i++) socket.send({ type: 'dance' });
      await socket.next((m) => m.type === 'error' && m.code === 'RATE_LIMITED');
      expect(socket.messages.filter((m) => m.code === 'VALIDATION_FAILED').length).toBeLessThanOrEqual(20);
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    });

    it('at most 5 sockets per player: a sixth closes the oldest with 4409', async () => {
      const [player] = await t.api.players(1);
      const sockets: EventClient[] = [];
      for (let i = 0; i < 6; i++) sockets.push(await ready(player));
      expect((await sockets[0].closed).code).toBe(4409);
      for (const socket of sockets.slice(1)) expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    });

    it('the server subscribes and unsubscribes parties, or all; unsubscribing some while subscribed to all changes nothing', async () => {
      const [owner] = await t.api.players(1);
      const [a, b] = [await t.api.party(owner), await t.api.party(owner)];
      const server = track(await EventClient.server(t.app.url));
      await server.next((m) => m.type === 'ready');
      server.send({ type: 'subscribe', parties: [a.id] });
      expect(await server.next((m) => m.type === 'subscribed')).toEqual({ type: 'subscribed', parties: [a.id] });
      expectStatus(await edit(owner, b.id, { desc: 'b2' }), 200);
      expectStatus(await edit(owner, a.id, { desc: 'a2' }), 200);
      await server.until(a.id, 2);
      expect(server.messages.some((m) => m.party === b.id)).toBe(false);
      server.send({ type: 'unsubscribe', parties: [a.id] });
      await server.next((m) => m.type === 'unsubscribed');
      expectStatus(await edit(owner, a.id, { desc: 'a3' }), 200); // not subscribed any more
      server.send({ type: 'subscribe', all: true });
      await server.next((m) => m.type === 'subscribed' && m.all === true);
      server.send({ type: 'unsubscribe', parties: [b.id] });
      await server.next((m) => m.type === 'unsubscribed' && Array.isArray(m.parties));
      expectStatus(await edit(owner, b.id, { desc: 'b3' }), 200);
      expectStatus(await edit(owner, a.id, { desc: 'a4' }), 200);
      await server.until(b.id, 3);
      await server.until(a.id, 4);
      expect(server.seen(a.id)).toEqual([
        [2, 'party.updated'],
        [4, 'party.updated'],
      ]);
      expect(server.seen(b.id)).toEqual([[3, 'party.updated']]);
    });
  });

  it('who receives what (SPEC §7): every event type, seen by owner, admin, member, requesters, removed players, an outsider and the server', async () => {
    const sockets = await runVisibilityMatrix(t.api, [t.api], [t.app.url]);
    clients.push(...sockets);
  });

  it('one change, several events, one version: an owner leaving (member.left, owner.changed), the last member leaving (party.deleted, member.left)', async () => {
    const [owner, heir, requester] = await t.api.players(3);
    const party = await t.api.party(owner, { is_private: true });
    const requestId = (await t.api.join(heir, party.id)).body.row.id as number; // v2
    expectStatus(await t.api.web(owner.token, 'put', `/${party.id}/waiting/${requestId}`), 200); // v3
    expectStatus(await t.api.join(requester, party.id), 200); // v4
    const [ownerSocket, heirSocket, requesterSocket] = [await ready(owner), await ready(heir), await ready(requester)];
    expectStatus(await t.api.web(owner.token, 'delete', `/${party.id}`), 200); // v5: the owner leaves
    expectStatus(await t.api.web(heir.token, 'delete', `/${party.id}`), 200); // v6: the last member leaves
    await heirSocket.until(party.id, 6);
    await requesterSocket.until(party.id, 6);
    await ownerSocket.until(party.id, 5);
    expect(ownerSocket.seen(party.id)).toEqual([
      [5, 'member.left'],
      [5, 'owner.changed'],
    ]);
    expect(heirSocket.seen(party.id)).toEqual([
      [5, 'member.left'],
      [5, 'owner.changed'],
      [6, 'party.deleted'], // SPEC §7's table order within one change
      [6, 'member.left'],
    ]);
    expect(requesterSocket.seen(party.id)).toEqual([[6, 'party.deleted']]);
    expect(await eventRows(party.id)).toBe(6);
  });

  describe('resume', () => {
    it('after a dropped socket, resume replays exactly the missed visible changes, then resumed, then live ones', async () => {
      const [owner, member, requester] = await t.api.players(3);
      const party = await t.api.party(owner);
      expectStatus(await t.api.join(member, party.id), 200); // v2
      const first = await ready(member);
      expectStatus(await edit(owner, party.id, { desc: 'v3' }), 200);
      await first.until(party.id, 3);
      first.close();
      await first.closed;
      expectStatus(await edit(owner, party.id, { is_private: true }), 200); // v4
      expectStatus(await t.api.join(requester, party.id), 200); // v5: a request, hidden from a member
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}/members/${member.id}/role`, { role: 2 }), 200); // v6
      const again = await ready(member);
      again.send({ type: 'resume', party: party.id, since: 3 });
      const resumed = await again.next((m) => m.type === 'resumed');
      expect(resumed).toEqual({ type: 'resumed', party: party.id, version: 6 });
      expect(again.seen(party.id)).toEqual([
        [4, 'party.updated'],
        [5, 'hidden'],
        [6, 'member.updated'],
      ]);
      expectStatus(await edit(owner, party.id, { desc: 'v7' }), 200);
      await again.until(party.id, 7);
      expect(again.seen(party.id).map(([version]) => version)).toEqual([4, 5, 6, 7]);
    });

    it('since newer than the current version, or older than what is kept, is answered reset; a party one may not see is PERMISSION_DENIED', async () => {
      const [owner, outsider] = await t.api.players(2);
      const party = await t.api.party(owner);
      for (let i = 0; i < 3; i++) expectStatus(await edit(owner, party.id, { desc: `d${i}` }), 200); // v2..v4
      const socket = await ready(owner);
      socket.send({ type: 'resume', party: party.id, since: 9 });
      expect(await socket.next((m) => m.type === 'reset')).toEqual({ type: 'reset', party: party.id, version: 4 });
      await t.db.query('DELETE FROM party_event WHERE party_id = ? AND version = 2', [party.id]); // as retention would
      const from = socket.messages.length;
      socket.send({ type: 'resume', party: party.id, since: 1 });
      expect(await socket.next((m) => m.type === 'reset', 5000, from)).toEqual({ type: 'reset', party: party.id, version: 4 });
      socket.send({ type: 'resume', party: party.id, since: 2 });
      expect(await socket.next((m) => m.type === 'resumed', 5000, from)).toEqual({ type: 'resumed', party: party.id, version: 4 });
      const stranger = await ready(outsider);
      stranger.send({ type: 'resume', party: party.id, since: 1 });
      expect(await stranger.next((m) => m.type === 'error')).toEqual({ type: 'error', code: 'PERMISSION_DENIED', party: party.id });
    });

    it('a kicked player resuming from before the kick gets the changes up to the kick, and nothing after (not even their ban)', async () => {
      const [owner, kicked] = await t.api.players(2);
      const party = await t.api.party(owner);
      expectStatus(await t.api.join(kicked, party.id), 200); // v2
      expectStatus(await edit(owner, party.id, { desc: 'v3' }), 200);
      expectStatus(await t.api.web(owner.token, 'delete', `/${party.id}/members/${kicked.id}`), 200); // v4
      expectStatus(await t.api.web(owner.token, 'put', `/${party.id}/bans/${kicked.id}`), 200); // v5
      expectStatus(await edit(owner, party.id, { desc: 'v6' }), 200);
      const socket = await ready(kicked);
      socket.send({ type: 'resume', party: party.id, since: 2 });
      await socket.next((m) => m.type === 'resumed');
      expect(socket.seen(party.id)).toEqual([
        [3, 'party.updated'],
        [4, 'member.kicked'],
      ]);
    });
  });
});
