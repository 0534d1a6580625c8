import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { currentRequestScope } from '../http/request-scope';
import { withEnvelopeAliasesResolved } from './validators';

/**
 * Global validation at the edge: values are converted to the DTO's types and every failing field is
 * named in one VALIDATION_FAILED message. Unknown body fields are refused (never silently stored);
 * unknown query parameters are ignored, as HTTP APIs usually do (cache busters, `player` on routes
 * that have no use for it). A route that takes a body refuses one that is not JSON with 415.
 */
@Injectable()
export class EdgeValidationPipe implements PipeTransform {
  private readonly strict = createValidationPipe(true);
  private readonly lenient = createValidationPipe(false);

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // Path parameters keep their raw text for IdParamPipe, which is stricter than Number("0x1f").
    if (metadata.type === 'param') return value;
    if (metadata.type === 'query') return this.lenient.transform(value, metadata);
    if (metadata.type === 'body') assertJsonBody(currentRequestScope()?.request);
    return this.strict.transform(withEnvelopeAliasesResolved(metadata.metatype, value), metadata);
  }
}

/** SPEC §4: a body of another media type is 415 (the JSON parser skips it, and the route would see none). */
function assertJsonBody(request: Request | undefined): void {
  if (!request) return;
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody && !request.is('application/json')) {
    throw new DomainError(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      `the body must be JSON (Content-Type: application/json), not ${request.headers['content-type'] ?? 'untyped'}`,
    );
  }
}

function createValidationPipe(forbidUnknownFields: boolean): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: forbidUnknownFields,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError(ErrorCode.VALIDATION_FAILED, describeValidationErrors(errors)),
  });
}

/** Constraints about a value's type: when one fails, its message (which names the expected type) is the one shown. */
const TYPE_CONSTRAINTS = new Set(['isDefined', 'isInt', 'isString', 'isBoolean', 'isNumber', 'isObject', 'isArray', 'nestedValidation', 'whitelistValidation']);

export function describeValidationErrors(errors: ValidationError[], parentPath = ''): string {
  return flatten(errors, parentPath).join('; ');
}

function flatten(errors: ValidationError[], parentPath: string): string[] {
  return errors.flatMap((error) => {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = firstProblem(error.constraints ?? {}).map((text) => withPath(path, text, error.property));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** One message per field: the type's (`must be an integer number` for "5", null or true) before any range or length. */
function firstProblem(constraints: Record<string, string>): string[] {
  const entries = Object.entries(constraints);
  const typeProblem = entries.find(([name]) => TYPE_CONSTRAINTS.has(name));
  const first = typeProblem ?? entries[0];
  return first ? [first[1]] : [];
}

/** class-validator messages start with the bare property name; show the full path instead. */
function withPath(path: string, text: string, property: string): string {
  if (text.startsWith(`property ${property} `)) return `${path}: unknown field, not accepted here`;
  return text.startsWith(`${property} `) ? `${path} ${text.slice(property.length + 1)}` : `${path}: ${text}`;
}
