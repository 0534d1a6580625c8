import { Injectable, PipeTransform, ArgumentMetadata } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { INT32_MAX } from './validators';

/** A positive int32 written as plain digits, or null. */
export function parsePositiveInt32(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw)) return null;
  const value = Number(raw);
  return value >= 1 && value <= INT32_MAX ? value : null;
}

/** Path ids: positive int32, else 400 VALIDATION_FAILED naming the parameter. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, number> {
  transform(raw: string, metadata: ArgumentMetadata): number {
    const value = parsePositiveInt32(raw);
    if (value === null) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${metadata.data ?? 'id'} must be a positive 32-bit integer`);
    return value;
  }
}
