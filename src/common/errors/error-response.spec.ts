import { beforeAll, describe, expect, it } from '@jest/globals';
import { Logger, NotFoundException } from '@nestjs/common';
import { DomainError } from './domain-error';
import { ERROR_STATUS, ErrorCode } from './error-code';
import { toErrorResponse } from './error-response';

describe('toErrorResponse', () => {
  beforeAll(() => Logger.overrideLogger(false)); // the unexpected errors below are logged by design

  it.each(Object.values(ErrorCode))('maps %s to its status and reason phrase', (code) => {
    const { body } = toErrorResponse(new DomainError(code, 'why'));
    expect(body).toEqual({ statusCode: ERROR_STATUS[code], error: expect.any(String), code, message: 'why' });
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
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL_ERROR', message: 'internal error' });
  });
});
