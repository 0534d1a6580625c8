import request, { Response } from 'supertest';
import { TEST_SERVER_KEY } from './test-env';

export const WEB = '/api/table/services/parties';
export const TRUSTED = '/server/services/party';

/** The HTTP methods the API's routes use (fuzzing adds ones it does not). */
export type Method = 'get' | 'post' | 'put' | 'delete';

/** A player the tests act as: their id and a session token. */
export interface TestPlayer {
  id: number;
  token: string;
}

/**
 * How a test calls the party API. `Surface` lets one test drive the Web API (session token) and the
 * Trusted API (server key + ?player=) with the same steps, since the rules must be the same.
 */
export interface Surface {
  name: 'web' | 'trusted';
  call(actor: TestPlayer, method: Method, path: string, body?: unknown): Promise<Response>;
}

export class Api {
  constructor(
    readonly url: string,
    readonly serverKey: string = TEST_SERVER_KEY,
  ) {}

  send(method: Method, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Response> {
    const req = request(this.url)[method](path).set(headers);
    return (body === undefined ? req : req.send(body as object)).then((res) => res);
  }

  web(token: string | null, method: Method, path: string, body?: unknown): Promise<Response> {
    return this.send(method, `${WEB}${path}`, token === null ? {} : { authorization: `Bearer ${token}` }, body);
  }

  /** Trusted party API; `player` undefined = the server acting as itself. */
  trusted(player: number | undefined, method: Method, path: string, body?: unknown, param: 'player' | 'caller' = 'player'): Promise<Response> {
    const separator = path.includes('?') ? '&' : '?';
    const query = player === undefined ? '' : `${separator}${param}=${player}`;
    return this.send(method, `${TRUSTED}${path}${query}`, { 'x-server-key': this.serverKey }, body);
  }

  server(method: Method, path: string, body?: unknown): Promise<Response> {
    return this.send(method, path, { 'x-server-key': this.serverKey }, body);
  }

  readonly surfaces: Surface[] = [
    { name: 'web', call: (actor, method, path, body) => this.web(actor.token, method, path, body) },
    { name: 'trusted', call: (actor, method, path, body) => this.trusted(actor.id, method, path, body) },
  ];

  /** A new player with a session (through the Trusted API, as a game server would). */
  async player(fields: Record<string, unknown> = {}): Promise<TestPlayer> {
    const created = await this.server('post', '/server/players', { data: fields });
    expectStatus(created, 200);
    const session = await this.server('post', `/server/players/${created.body.row.id}/sessions`);
    expectStatus(session, 200);
    return { id: created.body.row.id, token: session.body.token };
  }

  async players(count: number): Promise<TestPlayer[]> {
    return Promise.all(Array.from({ length: count }, () => this.player()));
  }

  /** A party owned by `owner`; returns its row. */
  async party(owner: TestPlayer, fields: Record<string, unknown> = {}): Promise<PartyRow> {
    const res = await this.web(owner.token, 'post', '', { data: { name: 'Test party', ...fields } });
    expectStatus(res, 200);
    return res.body.row;
  }

  async join(player: TestPlayer, partyId: number, body: Record<string, unknown> = {}): Promise<Response> {
    return this.web(player.token, 'post', `/${partyId}`, body);
  }

  async getParty(partyId: number): Promise<PartyRow> {
    const res = await this.trusted(undefined, 'get', `/${partyId}`);
    expectStatus(res, 200);
    return res.body.row;
  }
}

export interface PartyRow {
  id: number;
  owner: number | null;
  member_count: number;
  max_member_count: number;
  [field: string]: unknown;
}

/** Fails with the response body in the message, which says far more than the status alone. */
export function expectStatus(res: Response, status: number, code?: string): void {
  if (res.status !== status || (code !== undefined && res.body?.code !== code)) {
    throw new Error(`expected ${status}${code ? ` ${code}` : ''}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
}
