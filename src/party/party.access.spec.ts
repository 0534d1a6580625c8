import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/errors/domain-error';
import { Membership, MemberRole, MembershipStatus } from './entities/membership.entity';
import { assertCanManage, assertCanTransferOwnership, requirePlayer, Standing } from './party.access';
import { escapeLike } from './party-queries.service';

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
    ['the trusted server', { kind: 'server' } as Standing, null, null],
    ['the owner', player(MemberRole.OWNER), null, null],
    ['an admin', player(MemberRole.ADMIN), null, 'PERMISSION_DENIED'],
    ['a member', player(MemberRole.MEMBER), 'PERMISSION_DENIED', 'PERMISSION_DENIED'],
    ['a waiting requester', player(MemberRole.MEMBER, MembershipStatus.WAITING), 'PERMISSION_DENIED', 'PERMISSION_DENIED'],
    ['an outsider', player(null), 'PERMISSION_DENIED', 'PERMISSION_DENIED'],
  ])('%s: manage → %s, transfer → %s', (_, standing, manage, transfer) => {
    expect(codeOf(() => assertCanManage(standing))).toBe(manage);
    expect(codeOf(() => assertCanTransferOwnership(standing))).toBe(transfer);
  });

  it('requires a player for player-only operations', () => {
    expect(requirePlayer({ kind: 'player', playerId: 7 })).toBe(7);
    expect(codeOf(() => requirePlayer({ kind: 'server' }))).toBe('PLAYER_REQUIRED');
  });
});

describe('escapeLike', () => {
  it.each([
    ['plain', 'plain'],
    ['100%', '100!%'],
    ['a_b', 'a!_b'],
    ['wow!', 'wow!!'],
    ['back\\slash', 'back\\slash'],
  ])('%s → %s', (text, escaped) => {
    expect(escapeLike(text)).toBe(escaped);
  });
});
