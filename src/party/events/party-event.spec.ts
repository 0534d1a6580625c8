import { describe, expect, it } from '@jest/globals';
import { MemberRole, MembershipStatus } from '../entities/membership.entity';
import { maySee, PartyChangeRecord, PartyEvent, PartyEventType, Position, positionBefore, viewOf } from './party-event';

const SUBJECT = 9;
const accepted = { player: SUBJECT, role: MemberRole.MEMBER, status: MembershipStatus.ACCEPTED };
const waiting = { player: SUBJECT, role: MemberRole.MEMBER, status: MembershipStatus.WAITING };

const event = (type: PartyEventType, data: Record<string, unknown>): PartyEvent => ({ type, data });

/** Who sees what, written out by hand from SPEC §7 (O owner, A admin, M member, W a waiting requester, X an outsider). */
const MATRIX: [string, PartyEvent, string][] = [
  ['party.updated', event('party.updated', { party: {} }), 'OAM'],
  ['party.deleted', event('party.deleted', { party: {} }), 'OAMW'],
  ['member.joined', event('member.joined', { membership: accepted }), 'OAM'],
  ['member.left', event('member.left', { membership: accepted }), 'OAM'],
  ['member.kicked', event('member.kicked', { membership: accepted, by: 1 }), 'OAM'],
  ['member.banned (a member)', event('member.banned', { player: SUBJECT, membership: accepted, by: 1 }), 'OAM'],
  ['member.banned (a requester)', event('member.banned', { player: SUBJECT, membership: waiting, by: 1 }), 'OA'],
  ['member.banned (an outsider)', event('member.banned', { player: SUBJECT, membership: null, by: 1 }), 'OA'],
  ['ban.lifted', event('ban.lifted', { player: SUBJECT, by: 1 }), 'OA'],
  ['member.updated (a member)', event('member.updated', { membership: accepted }), 'OAM'],
  ['member.updated (a request)', event('member.updated', { membership: waiting }), 'OA'],
  ['owner.changed', event('owner.changed', { owner: 2, previous: 1 }), 'OAM'],
  ['request.created', event('request.created', { membership: waiting }), 'OA'],
  ['request.accepted', event('request.accepted', { membership: accepted }), 'OA'],
  ['request.rejected', event('request.rejected', { membership: waiting }), 'OA'],
  ['request.withdrawn', event('request.withdrawn', { membership: waiting }), 'OA'],
];

const POSITIONS: [string, Position][] = [
  ['O', 'owner'],
  ['A', 'admin'],
  ['M', 'member'],
  ['W', 'waiting'],
  ['X', null],
];

describe('who may see each event (SPEC §7)', () => {
  it.each(MATRIX)('%s: seen by exactly %s (other players)', (_name, candidate, seenBy) => {
    const seers = POSITIONS.filter(([, position]) => maySee(candidate, 1234, position)).map(([letter]) => letter);
    expect(seers.join('')).toBe(seenBy);
  });

  it.each(['request.created', 'request.accepted', 'request.rejected', 'request.withdrawn', 'member.banned'] as const)(
    "%s of the player's own request is theirs to see, wherever they stand",
    (type) => {
      const own = event(type, { player: SUBJECT, membership: type === 'request.accepted' ? accepted : waiting, by: 1 });
      for (const [, position] of POSITIONS) expect(maySee(own, SUBJECT, position)).toBe(true);
    },
  );
});

describe("a player's view of one change", () => {
  const change = (events: PartyEvent[], moves: PartyChangeRecord['moves']): PartyChangeRecord => ({ party: 1, version: 5, at: '', events, moves });

  it('a member gets a hidden marker for a change they may not see; a requester gets nothing', () => {
    const request = change([event('request.created', { membership: { ...waiting, player: 7 } })], [{ player: 7, from: null, to: 'waiting' }]);
    expect(viewOf(request, 3, 'member')).toEqual({ events: [], hidden: true, after: 'member' });
    expect(viewOf(request, 4, 'waiting')).toEqual({ events: [], hidden: false, after: 'waiting' });
    expect(viewOf(request, 5, null)).toEqual({ events: [], hidden: false, after: null });
  });

  it('the joiner sees the change that let them in; the one who leaves sees the change that removed them, and then stands nowhere', () => {
    const joined = change([event('member.joined', { membership: accepted })], [{ player: SUBJECT, from: null, to: 'member' }]);
    expect(viewOf(joined, SUBJECT, null)).toMatchObject({ events: [{ type: 'member.joined' }], after: 'member' });
    const left = change(
      [event('member.left', { membership: { ...accepted, role: MemberRole.OWNER } }), event('owner.changed', { owner: 2, previous: SUBJECT })],
      [
        { player: SUBJECT, from: 'owner', to: null },
        { player: 2, from: 'admin', to: 'owner' },
      ],
    );
    expect(viewOf(left, SUBJECT, 'owner')).toMatchObject({ events: [{ type: 'member.left' }, { type: 'owner.changed' }], hidden: false, after: null });
    expect(viewOf(left, 2, 'admin').after).toBe('owner');
  });

  it('an accepted request: the requester gets its fate and their joining; a plain member sees the joining only', () => {
    const accept = change(
      [event('member.joined', { membership: accepted }), event('request.accepted', { membership: accepted })],
      [{ player: SUBJECT, from: 'waiting', to: 'member' }],
    );
    expect(viewOf(accept, SUBJECT, 'waiting').events.map((e) => e.type)).toEqual(['member.joined', 'request.accepted']);
    expect(viewOf(accept, 3, 'member').events.map((e) => e.type)).toEqual(['member.joined']);
  });

  it('party.deleted ends everyone, requesters included', () => {
    const deleted = change([event('party.deleted', { party: {} })], []);
    expect(viewOf(deleted, 3, 'waiting')).toMatchObject({ events: [{ type: 'party.deleted' }], after: null });
    expect(viewOf(deleted, 4, 'member').after).toBeNull();
  });

  it('where a player stood before a run of changes: their first move says, else where they stand now', () => {
    const records = [change([], [{ player: 2, from: null, to: 'member' }]), change([], [{ player: SUBJECT, from: 'admin', to: null }])];
    expect(positionBefore(records, SUBJECT, null)).toBe('admin');
    expect(positionBefore(records, 2, 'member')).toBeNull();
    expect(positionBefore(records, 4, 'member')).toBe('member');
  });
});
