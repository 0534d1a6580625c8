import { beforeAll, describe, expect, it } from '@jest/globals';
import { Logger, NotFoundException } from '@nestjs/common';
import { DomainError } from './domain-error';
import { ERROR_STATUS, ErrorCode, SDK_MESSAGES } from './error-code';
import { toErrorResponse } from './error-response';

describe('toErrorResponse', () => {
  beforeAll(() => Logger.overrideLogger(false)); // the unexpected errors below are logged by design

  it.each(Object.values(ErrorCode))('maps %s to its status and reason phrase', (code) => {
    const { body } = toErrorResponse(new DomainError(code, 'why'));
    expect(body).toEqual({ statusCode: ERROR_STATUS[code], error: expect.any(String), code, message: 'why', msg: SDK_MESSAGES[code] ?? 'why', status: false });
  });

  it('turns body-parser errors into 400 and 413', () => {
    expect(toErrorResponse(Object.assign(new SyntaxError('Unexpected'), { type: 'entity.parse.failed', status: 400 })).body.code).toBe('VALIDATION_FAILED');
    expect(toErrorResponse(Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 })).body).toMatchObject({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });

  it('answers unknown routes with NOT_FOUND', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /x')).body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', message: 'no such route' });
  });

  it('answers a lost database with 503 and hides the details', () => {
    const { body } = toErrorResponse(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }));
    expect(body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(body.message).not.toContain('3306');
  });

  it('answers a deadlock that outlived its retries with 503, never 500', () => {
    const deadlock = Object.assign(new Error('Deadlock found'), { driverError: { errno: 1213 } });
    expect(toErrorResponse(deadlock).body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  it('hides anything unexpected behind 500 INTERNAL_ERROR', () => {
    const { body } = toErrorResponse(new Error("ER_PARSE_ERROR: You have an error in your SQL syntax near 'SELECT *'"));
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL_ERROR',
      message: 'internal error',
      msg: 'internal error',
      status: false,
    });
  });
});

describe("the SDKs' msg (SPEC §5)", () => {
  it.each([
    [ErrorCode.PARTY_NOT_FOUND, 'party notfound'],
    [ErrorCode.MEMBERSHIP_NOT_FOUND, 'membership notfound'],
    [ErrorCode.ALREADY_MEMBER, 'membership is already exist'],
    [ErrorCode.INVALID_TEAM, 'team is not valid'],
    [ErrorCode.INVALID_CHANNELS, 'channels is not valid'],
    [ErrorCode.PERMISSION_DENIED, 'permission denied'],
    [ErrorCode.BANNED, 'permission denied'],
    [ErrorCode.VALIDATION_FAILED, 'payload is not valid'],
    [ErrorCode.UNAUTHENTICATED, 'invalid token'],
    [ErrorCode.PLAYER_NOT_FOUND, 'user notfound'],
    [ErrorCode.INVALID_OWNER, 'target user is not valid'],
    [ErrorCode.PARTY_FULL, 'party 1 is full'],
  ])('%s → "%s"', (code, msg) => {
    expect(toErrorResponse(new DomainError(code, 'party 1 is full')).body.msg).toBe(msg);
  });

  it('lets an error name its own msg (a refused server key is not an "invalid token")', () => {
    expect(toErrorResponse(new DomainError(ErrorCode.UNAUTHENTICATED, 'wrong key', { msg: 'wrong key' })).body.msg).toBe('wrong key');
  });
});
