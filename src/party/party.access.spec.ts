import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/errors/domain-error';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { assertCanEditMemberData, assertCanManage, assertCanRemove, assertOwnerOrServer, requirePlayer, Standing } from './party.access';

const SERVER: Standing = { kind: 'server' };

const player = (role: MemberRole | null, status = MembershipStatus.ACCEPTED): Standing => ({
  kind: 'player',
  playerId: 1,
  membership: role === null ? null : ({ role, status } as Membership),
});

const codeOf = (check: () => void): string | null => {
  try {
    check();
    return null;
  } catch (error) {
    return (error as DomainError).code;
  }
};

describe('party access rules', () => {
  it.each([
    ['the trusted server', SERVER, null, null],
    ['the owner', player(MemberRole.OWNER), null, null],
    ['an admin', player(MemberRole.ADMIN), null, 'PERMISSION_DENIED'],
    ['a member', player(MemberRole.MEMBER), 'PERMISSION_DENIED', 'PERMISSION_DENIED'],
    ['a waiting requester', player(MemberRole.MEMBER, MembershipStatus.WAITING), 'PERMISSION_DENIED', 'PERMISSION_DENIED'],
    ['an outsider', player(null), 'PERMISSION_DENIED', 'PERMISSION_DENIED'],
  ])('%s: manage → %s, transfer → %s', (_, standing, manage, transfer) => {
    expect(codeOf(() => assertCanManage(standing))).toBe(manage);
    expect(codeOf(() => assertOwnerOrServer(standing, 'transfer ownership'))).toBe(transfer);
  });

  const target = (role: MemberRole, status = MembershipStatus.ACCEPTED) => ({ role, status }) as Membership;
  it.each([
    ['server removes the owner', SERVER, 9, target(MemberRole.OWNER), null],
    ['owner removes an admin', player(MemberRole.OWNER), 9, target(MemberRole.ADMIN), null],
    ['owner removes themselves', player(MemberRole.OWNER), 1, target(MemberRole.OWNER), 'PERMISSION_DENIED'],
    ['admin removes a member', player(MemberRole.ADMIN), 9, target(MemberRole.MEMBER), null],
    ['admin removes a waiting requester', player(MemberRole.ADMIN), 9, target(MemberRole.MEMBER, MembershipStatus.WAITING), null],
    ['admin bans an outsider', player(MemberRole.ADMIN), 9, null, null],
    ['admin removes an admin', player(MemberRole.ADMIN), 9, target(MemberRole.ADMIN), 'PERMISSION_DENIED'],
    ['admin removes the owner', player(MemberRole.ADMIN), 9, target(MemberRole.OWNER), 'PERMISSION_DENIED'],
    ['member removes a member', player(MemberRole.MEMBER), 9, target(MemberRole.MEMBER), 'PERMISSION_DENIED'],
    ['outsider removes a member', player(null), 9, target(MemberRole.MEMBER), 'PERMISSION_DENIED'],
  ] as const)('%s → %s', (_, standing, targetPlayerId, membership, code) => {
    expect(codeOf(() => assertCanRemove(standing, targetPlayerId, membership))).toBe(code);
  });

  it('lets only the member (or the server) edit their membership data', () => {
    expect(codeOf(() => assertCanEditMemberData(player(MemberRole.MEMBER), 1))).toBeNull();
    expect(codeOf(() => assertCanEditMemberData({ kind: 'server' }, 1))).toBeNull();
    expect(codeOf(() => assertCanEditMemberData(player(MemberRole.OWNER), 2))).toBe('PERMISSION_DENIED');
  });

  it('requires a player for player-only operations', () => {
    expect(requirePlayer({ kind: 'player', playerId: 7 })).toBe(7);
    expect(codeOf(() => requirePlayer({ kind: 'server' }))).toBe('PLAYER_REQUIRED');
  });
});
