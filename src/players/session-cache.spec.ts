import { describe, expect, it } from '@jest/globals';
import type { BusMessage, EventBus } from '../realtime/event-bus';
import { SessionCache } from './session-cache';
import type { SessionOwner } from './session.repository';

/** The two things SessionCache asks of the bus: its messages, and whether it may lose any. */
class BusStub {
  reliable = true;
  private listeners: ((message: BusMessage) => void)[] = [];
  private reconnectListeners: (() => void)[] = [];
  onMessage(listener: (message: BusMessage) => void): void {
    this.listeners.push(listener);
  }
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }
  publish(message: BusMessage): void {
    this.listeners.forEach((listener) => listener(message));
  }
  reconnect(): void {
    this.reconnectListeners.forEach((listener) => listener());
  }
}

const owner = (sessionId: number, playerId: number, expiresInMs = 3_600_000): SessionOwner => ({
  sessionId,
  playerId,
  isBan: false,
  revoked: false,
  expiresAt: new Date(Date.now() + expiresInMs),
});

function cacheWith(bus = new BusStub()): { bus: BusStub; cache: SessionCache } {
  return { bus, cache: new SessionCache(bus as unknown as EventBus) };
}

describe('SessionCache', () => {
  it('trusts a verified session for at most 10 s, and never past its expiry', () => {
    const { cache } = cacheWith();
    const now = Date.now();
    cache.remember('a', owner(1, 1), cache.epoch, now);
    expect(cache.get('a', now + 9_000)?.sessionId).toBe(1);
    expect(cache.get('a', now + 10_001)).toBeNull();
    cache.remember('b', owner(2, 2, 2_000), cache.epoch, now);
    expect(cache.get('b', now + 2_500)).toBeNull();
  });

  it('drops a session when it ends, and every session of a player when the player is banned', () => {
    const { bus, cache } = cacheWith();
    cache.remember('a', owner(1, 7), cache.epoch);
    cache.remember('b', owner(2, 7), cache.epoch);
    cache.remember('c', owner(3, 8), cache.epoch);
    bus.publish({ kind: 'session-ended', session: 1 });
    expect(cache.get('a')).toBeNull();
    expect(cache.get('b')).not.toBeNull();
    bus.publish({ kind: 'player-banned', player: 7 });
    expect(cache.get('b')).toBeNull();
    expect(cache.get('c')).not.toBeNull();
  });

  it('does not remember a lookup that raced an ending or a ban (it may have read the session before it ended)', () => {
    const { bus, cache } = cacheWith();
    const epoch = cache.epoch; // the lookup starts
    bus.publish({ kind: 'session-ended', session: 1 }); // the logout commits meanwhile
    cache.remember('a', owner(1, 1), epoch); // the lookup's answer, read before the logout
    expect(cache.get('a')).toBeNull();
  });

  it('is bypassed and emptied while the bus may lose messages, and emptied when it reconnects', () => {
    const { bus, cache } = cacheWith();
    cache.remember('a', owner(1, 1), cache.epoch);
    bus.reliable = false;
    expect(cache.get('a')).toBeNull();
    cache.remember('a', owner(1, 1), cache.epoch);
    bus.reliable = true;
    expect(cache.get('a')).toBeNull();
    cache.remember('a', owner(1, 1), cache.epoch);
    bus.reconnect();
    expect(cache.get('a')).toBeNull();
  });

  it('never holds banned or revoked sessions', () => {
    const { cache } = cacheWith();
    cache.remember('a', { ...owner(1, 1), isBan: true }, cache.epoch);
    cache.remember('b', { ...owner(2, 2), revoked: true }, cache.epoch);
    expect(cache.get('a')).toBeNull();
    expect(cache.get('b')).toBeNull();
  });
});
