import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Api, expectStatus } from '../support/api';
import { snapshot, snapshotDiff } from '../support/db-snapshot';
import { errorProblems, loginProblems, pageProblems, removalProblems, rowProblems } from '../support/sdk/sdk-models';
import { DEFAULT_PARTY_INPUT, PartyInput, RawReply, Sdk, sendRaw, UNITY_V1, UNITY_V2, UNREAL } from '../support/sdk/sdk-requests';
import { describeApi, startTestApp, useTestApp } from '../support/test-app';

/*
 * The official DynamicPixels SDKs against this service, changing only their host (SPEC §1, §2, §4, §5):
 * every request is replayed as the SDK sends it (method, path under /game/{clientId}, headers, body
 * bytes), and every answer is checked against what the SDK's model parsing requires.
 */

const BASE = '/game/my-client-id';
const PARTIES = `${BASE}/api/table/services/parties`;

/** Unity's join and edit send the C# type name instead of JSON; the README's one-line workarounds send these instead. */
const UNITY_JOIN_WORKAROUND = (team: string | null) => JSON.stringify({ team, channels: null });
const UNITY_EDIT_WORKAROUND = (party: PartyInput) => JSON.stringify({ data: Object.fromEntries(Object.entries(party).filter(([, v]) => v !== null)) });

const RAID: PartyInput = {
  name: 'Raid',
  desc: 'desc',
  max_member_count: 4,
  is_private: true,
  teams: ['red', 'blue'],
  channels: ['general'],
  variables: { k: 'v' },
};

describeApi('the official DynamicPixels SDKs, replayed byte for byte under /game/{clientId}', () => {
  const t = useTestApp();

  it('builds exactly the bytes the SDKs were read to send', () => {
    expect(UNITY_V2.create({ ...DEFAULT_PARTY_INPUT, name: 'My Party' })).toBe(
      '{"Data":{"name":"My Party","desc":"","max_member_count":0,"is_private":false,"teams":[],"channels":[],"variables":{}}}',
    );
    expect(UNREAL.create({ ...DEFAULT_PARTY_INPUT, name: 'My Party' })).toBe(
      '{\n\t"data":\n\t{\n\t\t"name": "My Party",\n\t\t"desc": "",\n\t\t"max_member_count": 0,\n\t\t"is_private": false,\n\t\t"teams": [],\n\t\t"channels": [],\n\t\t"variables":\n\t\t{\n\t\t}\n\t}\n}',
    );
    expect(UNREAL.join(5, '', [])).toBe('{\n\t"partyId": 5,\n\t"team": "",\n\t"channels": []\n}');
    expect(UNREAL.join(5, 'red', ['general'])).toBe('{\n\t"partyId": 5,\n\t"team": "red",\n\t"channels": [\n\t\t"general"\n\t]\n}');
    expect(UNREAL.accept(5, 9)).toBe('{\n\t"partyId": 5,\n\t"membershipId": 9\n}');
    // The SDK's own output for device "dev-123", with the top-level device_id and name left as the SDK leaves them ("").
    expect(UNITY_V2.guestLogin('dev-123')).toBe(
      '{"device_id":"","name":"","device_info":{"device_id":"dev-123","first_login":null,"last_login":null,"sdk_version":"0.0.1","network_type":"ReachableViaLocalAreaNetwork","device_name":"my-pc","device_model":"PC","device_type":"Desktop","operating_system":"Windows 11  (10.0.22631) 64bit","processor_type":"Intel(R) Core(TM) i7","processor_count":"8","processor_frequency":"3600","graphic_device_name":"NVIDIA GeForce RTX 3060","graphic_device_vendor":"NVIDIA","graphic_memory_size":"12086"}}',
    );
    expect(Buffer.byteLength(UNITY_V1.guestLogin('dev-123'))).toBe(801 - 'dev-123Guest'.length);
    expect(UNITY_V2.join(5, '', [])).toBe('DynamicPixels.GameService.Services.Party.Models.JoinToPartyParams');
    expect(UNITY_V1.edit(5, DEFAULT_PARTY_INPUT)).toBe('models.inputs.EditPartyParams');
  });

  describe.each([UNITY_V2, UNITY_V1, UNREAL])('$name', (sdk: Sdk) => {
    /** Unity sends no body on reads and deletes; Unreal sends an empty one with its JSON Content-Type. */
    const none = sdk === UNREAL ? '' : null;
    const send = (method: string, path: string, token: string | null, body: string | null = none): Promise<RawReply> =>
      sendRaw(t.app.url, method, path, sdk.headers(token, body), body);
    const row = (reply: RawReply) => (reply.body as { row: Record<string, unknown> }).row;
    const ok = (reply: RawReply, problems: string[]) => {
      expect({ status: reply.status, problems }).toEqual({ status: 200, problems: [] });
    };
    const refused = (reply: RawReply, status: number, msg: string) => {
      expect({ status: reply.status, problems: errorProblems(reply.body, msg) }).toEqual({ status, problems: [] });
    };

    let owner: { id: number; token: string };
    let joiner: { id: number; token: string };
    let requester: { id: number; token: string };
    let partyId: number;
    let requestId: number;

    async function signIn(): Promise<{ id: number; token: string }> {
      const reply = await send('POST', `${BASE}/api/auth/guest`, null, sdk.guestLogin(randomBytes(16).toString('hex')));
      ok(reply, loginProblems(reply.body));
      const body = reply.body as { user: { id: number }; token: string };
      return { id: body.user.id, token: body.token };
    }

    /** A join as the SDK sends it; for Unity, whose join sends no JSON, also the workaround's request. */
    async function join(player: { token: string }, team: string): Promise<RawReply> {
      const asSent = await send('POST', `${PARTIES}/${partyId}`, player.token, sdk.join(partyId, team, []));
      if (sdk === UNREAL) return asSent;
      refused(asSent, 400, 'payload is not valid');
      return send('POST', `${PARTIES}/${partyId}`, player.token, UNITY_JOIN_WORKAROUND(team === '' ? null : team));
    }

    beforeAll(async () => {
      [owner, joiner, requester] = [await signIn(), await signIn(), await signIn()];
    });

    it('guest login: user and token, a new guest each time (the SDKs send device_id "" and the device in device_info)', async () => {
      const sameDevice = sdk.guestLogin('one-device');
      const [first, second] = [await send('POST', `${BASE}/api/auth/guest`, null, sameDevice), await send('POST', `${BASE}/api/auth/guest`, null, sameDevice)];
      ok(first, loginProblems(first.body));
      ok(second, loginProblems(second.body));
      expect((first.body as { user: { id: number } }).user.id).not.toBe((second.body as { user: { id: number } }).user.id);
    });

    it('create: the row under `row`, owner an int; an unset max_member_count (0) is the default', async () => {
      const unset = await send('POST', PARTIES, owner.token, sdk.create({ ...DEFAULT_PARTY_INPUT, name: 'My Party' }));
      ok(unset, rowProblems(unset.body, 'party'));
      expect(row(unset)).toMatchObject({ owner: owner.id, max_member_count: 10, teams: '[]' });
      const raid = await send('POST', PARTIES, owner.token, sdk.create(RAID));
      ok(raid, rowProblems(raid.body, 'party'));
      expect(row(raid)).toMatchObject({ name: 'Raid', max_member_count: 4, is_private: true, teams: '["red","blue"]', variables: { k: 'v' } });
      partyId = row(raid).id as number;
    });

    it('list, my parties and get', async () => {
      const list = await send('GET', PARTIES, joiner.token);
      ok(list, pageProblems(list.body, 'party'));
      const mine = await send('GET', `${PARTIES}/me`, owner.token);
      ok(mine, pageProblems(mine.body, 'party'));
      expect((mine.body as { list: { id: number }[] }).list.map((party) => party.id)).toContain(partyId);
      const got = await send('GET', `${PARTIES}/${partyId}`, joiner.token);
      ok(got, rowProblems(got.body, 'party'));
    });

    it('join (a request: the party is private), with an unset team', async () => {
      const joined = await join(joiner, '');
      ok(joined, rowProblems(joined.body, 'membership'));
      expect(row(joined)).toMatchObject({ party: partyId, player: joiner.id, status: 0, team: null });
      requestId = row(joined).id as number;
      const [stored] = await t.db.query('SELECT player_id, status, team FROM membership WHERE id = ?', [requestId]);
      expect({ player: Number(stored.player_id), status: Number(stored.status), team: stored.team }).toEqual({ player: joiner.id, status: 0, team: null });
    });

    it('waiting list and accept', async () => {
      const waiting = await send('GET', `${PARTIES}/${partyId}/waiting`, owner.token);
      ok(waiting, pageProblems(waiting.body, 'membership'));
      expect((waiting.body as { list: { id: number }[] }).list.map((m) => m.id)).toContain(requestId);
      const accepted = await send('PUT', `${PARTIES}/${partyId}/waiting/${requestId}`, owner.token, sdk.accept(partyId, requestId));
      ok(accepted, rowProblems(accepted.body, 'membership'));
      expect(row(accepted)).toMatchObject({ id: requestId, status: 1 });
    });

    it('members', async () => {
      const members = await send('GET', `${PARTIES}/${partyId}/members`, joiner.token);
      ok(members, pageProblems(members.body, 'member'));
      expect(members.body).toMatchObject({
        totalCount: 2,
        list: [
          { id: owner.id, role: 1 },
          { id: joiner.id, role: 3 },
        ],
      });
    });

    it('reject: Unity reads the removed request from `row`', async () => {
      const request = await join(requester, 'red');
      ok(request, rowProblems(request.body, 'membership'));
      const rejected = await send('DELETE', `${PARTIES}/${partyId}/waiting/${row(request).id as number}`, owner.token);
      ok(rejected, removalProblems(rejected.body, 'membership'));
      expect(row(rejected)).toMatchObject({ player: requester.id, status: 0, team: 'red' });
    });

    it('edit: Unreal sends {partyId, party}; max_member_count 0 leaves the maximum as it is', async () => {
      const edited = { ...RAID, name: 'Renamed', max_member_count: 0 };
      let reply: RawReply;
      if (sdk === UNREAL) {
        reply = await send('PUT', `${PARTIES}/${partyId}`, owner.token, sdk.edit(partyId, edited));
      } else {
        refused(await send('PUT', `${PARTIES}/${partyId}`, owner.token, sdk.edit(partyId, edited)), 400, 'payload is not valid');
        reply = await send('PUT', `${PARTIES}/${partyId}`, owner.token, UNITY_EDIT_WORKAROUND(edited));
      }
      ok(reply, rowProblems(reply.body, 'party'));
      expect(row(reply)).toMatchObject({ name: 'Renamed', max_member_count: 4, member_count: 2 });
    });

    it('errors carry the msg each SDK maps, and status false', async () => {
      refused(await send('GET', `${PARTIES}/2147483000`, joiner.token), 404, 'party notfound');
      refused(await send('GET', `${PARTIES}/${partyId}`, 'not-a-real-token-0123456789'), 401, 'invalid token');
      refused(await send('PUT', `${PARTIES}/${partyId}/waiting/${requestId}`, owner.token, sdk.accept(partyId, requestId)), 404, 'membership notfound');
      refused(await send('GET', `${PARTIES}/${partyId}/waiting`, joiner.token), 403, 'permission denied');
      // Joins as each SDK can send them (Unity: its workaround's body).
      const joinBody = (team: string, channels: string[]) =>
        sdk === UNREAL ? sdk.join(partyId, team, channels) : JSON.stringify({ team: team || null, channels: channels.length ? channels : null });
      refused(await send('POST', `${PARTIES}/${partyId}`, joiner.token, joinBody('', [])), 409, 'membership is already exist');
      refused(await send('POST', `${PARTIES}/${partyId}`, requester.token, joinBody('green', [])), 400, 'team is not valid');
      refused(await send('POST', `${PARTIES}/${partyId}`, requester.token, joinBody('', ['trade'])), 400, 'channels is not valid');
      refused(await send('PUT', `${PARTIES}/${partyId}/waiting/2147483000`, joiner.token, sdk.accept(partyId, 2147483000)), 403, 'permission denied');
    });

    it('leave: both SDKs read `affected`', async () => {
      const left = await send('DELETE', `${PARTIES}/${partyId}`, joiner.token);
      ok(left, removalProblems(left.body, 'membership'));
      expect(row(left)).toMatchObject({ player: joiner.id, status: 1 });
      refused(await send('DELETE', `${PARTIES}/${partyId}`, joiner.token), 404, 'membership notfound');
    });
  });

  describe('tolerant reading (SPEC §4), and nothing looser', () => {
    let api: Api;
    let owner: { id: number; token: string };
    beforeAll(async () => {
      api = t.api;
      [owner] = await api.players(1);
    });

    it('sends back a party row read with GET as an edit, changing nothing', async () => {
      const party = await api.party(owner, { teams: ['red'] });
      const before = await snapshot(t.app);
      const res = await api.web(owner.token, 'put', `/${party.id}`, { data: party });
      expectStatus(res, 200);
      expect(res.body.row).toEqual(party);
      expect(snapshotDiff(before, await snapshot(t.app))).toBeNull();
    });

    it('accepts owner 0 for a party without an owner, and refuses it for a party with one', async () => {
      const serverParty = await api.trusted(undefined, 'post', '', { data: { name: 'Lobby' } });
      expect(serverParty.body.row.owner).toBe(0);
      expectStatus(await api.trusted(undefined, 'put', `/${serverParty.body.row.id}`, { data: { owner: 0, name: 'Lobby 2' } }), 200);
      const party = await api.party(owner);
      expectStatus(await api.web(owner.token, 'put', `/${party.id}`, { data: { owner: 0 } }), 400, 'INVALID_OWNER');
    });

    it('refuses Data next to data, a partyId that is not the path id, and party on create', async () => {
      const party = await api.party(owner);
      const [joiner] = await api.players(1);
      const before = await snapshot(t.app);
      const web = (method: 'post' | 'put', path: string, body: unknown) => api.web(owner.token, method, path, body);
      expectStatus(await web('post', '', { data: { name: 'a' }, Data: { name: 'b' } }), 400, 'VALIDATION_FAILED');
      expectStatus(await web('put', `/${party.id}`, { data: { name: 'a' }, party: { name: 'b' } }), 400, 'VALIDATION_FAILED');
      expectStatus(await web('post', '', { party: { name: 'b' } }), 400, 'VALIDATION_FAILED');
      expectStatus(await web('put', `/${party.id}`, { partyId: party.id + 1, party: { name: 'b' } }), 400, 'VALIDATION_FAILED');
      expectStatus(await api.join(joiner, party.id, { partyId: party.id + 1 }), 400, 'VALIDATION_FAILED');
      expectStatus(await api.join(joiner, party.id, { PartyId: party.id }), 400, 'VALIDATION_FAILED');
      expectStatus(await web('post', '', { DATA: { name: 'b' } }), 400, 'VALIDATION_FAILED');
      // read-only fields are ignored only as a GET shows them
      for (const readOnly of [{ created_at: 'garbage' }, { member_count: -3 }, { version: 0 }, { member_count: '3' }]) {
        expectStatus(await web('put', `/${party.id}`, { data: readOnly }), 400, 'VALIDATION_FAILED');
      }
      expect(snapshotDiff(before, await snapshot(t.app))).toBeNull();
    });

    it('takes Data on the player API too', async () => {
      const res = await api.server('post', '/server/players', { Data: { name: 'Capital' } });
      expectStatus(res, 200);
      expect(res.body.row.name).toBe('Capital');
    });
  });

  describe('guest sign-in with a device', () => {
    const guest = (body: unknown) => t.api.send('post', '/api/auth/guest', {}, body);

    it('signs in the same guest player for the same device_id, another for another', async () => {
      const device = `device-${randomBytes(6).toString('hex')}`;
      const first = await guest({ device_id: device, name: 'Ada', device_info: { model: 'PC' }, client_id: 'c', client_secret: 's', version: '2.0.0' });
      expectStatus(first, 200);
      const again = await guest({ device_id: device, name: 'Someone else' });
      expectStatus(again, 200);
      expect(again.body.user).toMatchObject({ id: first.body.user.id, name: 'Ada', is_guest: true });
      expect(again.body.token).not.toBe(first.body.token);
      expect((await guest({ device_id: `${device}-2` })).body.user.id).not.toBe(first.body.user.id);
      expect((await guest({ device_id: '' })).body.user.id).not.toBe((await guest({ device_id: '' })).body.user.id);
    });

    it('creates one player when a device signs in for the first time twice at once', async () => {
      const device = `racing-${randomBytes(6).toString('hex')}`;
      const replies = await Promise.all(Array.from({ length: 6 }, () => guest({ device_id: device })));
      replies.forEach((res) => expectStatus(res, 200));
      expect(new Set(replies.map((res) => res.body.user.id)).size).toBe(1);
    });

    it("refuses a banned device's guest with 403 BANNED", async () => {
      const device = `banned-${randomBytes(6).toString('hex')}`;
      const first = await guest({ device_id: device });
      expectStatus(await t.api.server('put', `/server/players/${first.body.user.id}`, { data: { is_ban: true } }), 200);
      expectStatus(await guest({ device_id: device }), 403, 'BANNED');
    });

    it('bounds device_id and device_info, and refuses unknown fields, writing nothing', async () => {
      const before = await snapshot(t.app);
      for (const body of [
        { device_id: 'd'.repeat(129) },
        { device_id: 5 },
        { device_info: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) },
        { device_info: { blob: 'x'.repeat(4100) } },
        { device_info: ['not', 'an', 'object'] },
        { device_info: 'PC' },
        { client_secret: 7 },
        { unknown: true },
      ]) {
        expectStatus(await guest(body), 400, 'VALIDATION_FAILED');
      }
      expect(snapshotDiff(before, await snapshot(t.app))).toBeNull();
    });
  });

  it('serves only GAME_CLIENT_ID under /game/{clientId} when it is set', async () => {
    const restricted = await startTestApp({ GAME_CLIENT_ID: 'my-client-id' });
    try {
      const api = new Api(restricted.url, restricted.serverKey);
      expectStatus(await api.send('get', '/game/my-client-id/health'), 200);
      expectStatus(await api.send('get', '/game/other-client/health'), 404, 'NOT_FOUND');
      expectStatus(await api.send('post', '/game/other-client/api/auth/guest', {}, {}), 404, 'NOT_FOUND');
      // before any authentication: a wrong client id is not a route at all
      expectStatus(await api.send('get', '/game/other-client/api/table/services/parties'), 404, 'NOT_FOUND');
      expectStatus(await api.send('get', '/game/my-client-id/api/table/services/parties'), 401, 'UNAUTHENTICATED');
      expectStatus(await api.send('get', '/game/my%2Dclient%2Did/health'), 200);
      expectStatus(await api.send('get', '/health'), 200);
    } finally {
      await restricted.close();
    }
    expectStatus(await t.api.send('get', '/game/any-client-at-all/health'), 200);
  });
});
