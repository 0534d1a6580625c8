import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';

/**
 * Global validation at the edge: unknown fields are refused (never silently stored), values are
 * converted to the DTO's types, and every failing field is named in one VALIDATION_FAILED message.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError(ErrorCode.VALIDATION_FAILED, describeValidationErrors(errors)),
  });
}

export function describeValidationErrors(errors: ValidationError[], parentPath = ''): string {
  return flatten(errors, parentPath).join('; ');
}

function flatten(errors: ValidationError[], parentPath: string): string[] {
  return errors.flatMap((error) => {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) => withPath(path, text, error.property));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** class-validator messages start with the bare property name; show the full path instead. */
function withPath(path: string, text: string, property: string): string {
  if (text.startsWith(`property ${property} `)) return `${path}: unknown field, not accepted here`;
  return text.startsWith(`${property} `) ? `${path} ${text.slice(property.length + 1)}` : `${path}: ${text}`;
}
