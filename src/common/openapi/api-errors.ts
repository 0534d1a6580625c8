import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ERROR_STATUS, ErrorCode, SDK_MESSAGES } from '../errors/error-code';
import { ApiInt } from './envelopes';

export class ErrorBodyDoc {
  @ApiInt({ example: 409 }) statusCode: number;
  @ApiProperty({ example: 'Conflict' }) error: string;
  @ApiProperty({ enum: ErrorCode, example: ErrorCode.PARTY_FULL }) code: ErrorCode;
  @ApiProperty({ example: 'party is full' }) message: string;
  @ApiProperty({
    example: 'party is full',
    description: "What the official DynamicPixels SDKs read: their exact string where they know the error (e.g. 'party notfound'), else the same as `message`.",
  })
  msg: string;
  @ApiProperty({ enum: [false], description: 'Always false on an error (the SDKs read it).' }) status: false;
}

/** Documents the error codes a route can answer with, one response per status, one example per code. Call once per route. */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return applyDecorators(
    ...[...byStatus].map(([status, statusCodes]) =>
      ApiResponse({
        status,
        description: statusCodes.join(', '),
        type: ErrorBodyDoc,
        examples: Object.fromEntries(
          statusCodes.map((code) => [
            code,
            { summary: code, value: { statusCode: status, error: STATUS_CODES[status], code, message: '…', msg: SDK_MESSAGES[code] ?? '…', status: false } },
          ]),
        ),
      }),
    ),
  );
}
