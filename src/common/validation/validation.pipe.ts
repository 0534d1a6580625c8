import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { withEnvelopeAliasesResolved } from './validators';

/**
 * Global validation at the edge: values are converted to the DTO's types and every failing field is
 * named in one VALIDATION_FAILED message. Unknown body fields are refused (never silently stored);
 * unknown query parameters are ignored, as HTTP APIs usually do (cache busters, `player` on routes
 * that have no use for it).
 */
@Injectable()
export class EdgeValidationPipe implements PipeTransform {
  private readonly strict = createValidationPipe(true);
  private readonly lenient = createValidationPipe(false);

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // Path parameters keep their raw text for IdParamPipe, which is stricter than Number("0x1f").
    if (metadata.type === 'param') return value;
    if (metadata.type === 'query') return this.lenient.transform(value, metadata);
    return this.strict.transform(withEnvelopeAliasesResolved(metadata.metatype, value), metadata);
  }
}

function createValidationPipe(forbidUnknownFields: boolean): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: forbidUnknownFields,
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
