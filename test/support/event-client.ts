import { expect } from '@jest/globals';
import WebSocket from 'ws';
import { TEST_SERVER_KEY } from './test-env';

/** A message an event socket received. */
export type EventMessage = { type: string; party?: number; version?: number; [field: string]: unknown };

/**
 * A test's event socket (SPEC §7): records every message, and waits for the ones a test expects. Every
 * wait is bounded, so a missing event fails the test instead of hanging it.
 */
export class EventClient {
  readonly messages: EventMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as EventMessage);
      this.wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    void this.closed.then(() => this.wake());
  }

  /** A player's socket, authenticated by header (`token`) or not at all (the test sends `auth` itself). */
  static player(baseUrl: string, token?: string): Promise<EventClient> {
    return EventClient.open(`${wsUrl(baseUrl)}/api/events`, token ? { authorization: `Bearer ${token}` } : {});
  }

  /** The trusted server's socket. */
  static server(baseUrl: string, serverKey = TEST_SERVER_KEY): Promise<EventClient> {
    return EventClient.open(`${wsUrl(baseUrl)}/server/events`, { 'x-server-key': serverKey });
  }

  /** A player's socket that has received `ready`. */
  static async ready(baseUrl: string, token: string): Promise<EventClient> {
    const client = await EventClient.player(baseUrl, token);
    await client.next((message) => message.type === 'ready');
    return client;
  }

  /** The trusted server's socket, subscribed to every party. */
  static async serverOfAll(baseUrl: string): Promise<EventClient> {
    const client = await EventClient.server(baseUrl);
    await client.next((message) => message.type === 'ready');
    client.send({ type: 'subscribe', all: true });
    await client.next((message) => message.type === 'subscribed');
    return client;
  }

  private static open(url: string, headers: Record<string, string>): Promise<EventClient> {
    const ws = new WebSocket(url, { headers });
    const client = new EventClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message (from `from` on) that matches, waiting up to `ms` for it. */
  async next(match: (message: EventMessage) => boolean, ms = 5000, from = 0): Promise<EventMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline || this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`no matching message within ${ms} ms; got ${JSON.stringify(this.messages.slice(from)).slice(0, 2000)}`);
      }
      await this.wait(deadline - Date.now());
    }
  }

  /** Waits until the socket holds a message of `party` at `version` (or later). */
  async until(party: number, version: number, ms = 5000): Promise<void> {
    await this.next((message) => message.party === party && (message.version ?? 0) >= version, ms);
  }

  /** Party messages (events and `hidden` markers) of one party, as [version, type] pairs in arrival order. */
  seen(party: number): [number, string][] {
    return this.messages
      .filter((message) => message.party === party && message.version !== undefined && message.type !== 'resumed')
      .map((m) => [m.version!, m.type]);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(ms, 0));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}

function wsUrl(baseUrl: string): string {
  return baseUrl.replace(/^http/, 'ws');
}

/**
 * The socket received exactly one message for each version `from`..`to`, in order: no gap, no repeat
 * (for changes of one event each, and sockets that see them all, as accepted members and servers do).
 */
export function expectGapFree(client: EventClient, party: number, from: number, to: number): void {
  const arrival = client.seen(party).map(([version]) => version);
  expect(arrival).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
}
