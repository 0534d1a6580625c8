import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateBy, ValidateIf, ValidateNested, ValidationOptions, buildMessage } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';

export const INT32_MAX = 2_147_483_647;

/** Keys that would reach Object.prototype when a map is merged or spread carelessly. */
export const FORBIDDEN_MAP_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Length in characters (code points), as SPEC counts them: an emoji is one, not two UTF-16 units. */
const characters = (text: string): number => [...text].length;

export interface StringMapLimits {
  maxKeys: number;
  maxKeyLength: number;
  maxValueLength: number;
}

/** Why a string-to-string map breaks the limits, or null when it keeps them. */
export function stringMapProblem(value: unknown, limits: StringMapLimits): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of string values';
  const entries = Object.entries(value);
  if (entries.length > limits.maxKeys) return `must have at most ${limits.maxKeys} keys`;
  for (const [key, item] of entries) {
    if (characters(key) < 1 || characters(key) > limits.maxKeyLength) return `keys must be 1..${limits.maxKeyLength} characters`;
    if (FORBIDDEN_MAP_KEYS.has(key)) return `key "${key}" is not allowed`;
    if (typeof item !== 'string') return `value of "${key}" must be a string`;
    if (characters(item) > limits.maxValueLength) return `value of "${key}" must be at most ${limits.maxValueLength} characters`;
  }
  return null;
}

/** A validator from a function that says what is wrong with a value (null: nothing), whose answer is the message. */
function ValidateByProblem(name: string, problemOf: (value: unknown) => string | null, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value) => problemOf(value) === null,
        defaultMessage: (args) => `${args?.property} ${problemOf(args?.value)}`,
      },
    },
    options,
  );
}

export function IsStringMap(limits: StringMapLimits, options?: ValidationOptions): PropertyDecorator {
  return ValidateByProblem('isStringMap', (value) => stringMapProblem(value, limits), options);
}

/** Why a free-form JSON object breaks the limits (key count, size as JSON in UTF-8 bytes), or null. */
export function smallObjectProblem(value: unknown, maxKeys: number, maxJsonBytes: number): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  if (Object.keys(value).length > maxKeys) return `must have at most ${maxKeys} keys`;
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > maxJsonBytes) return `must be at most ${maxJsonBytes} bytes as JSON`;
  return null;
}

/** A free-form object that is accepted but not read (e.g. the SDKs' `device_info`), bounded in keys and size. */
export function IsSmallObject(maxKeys: number, maxJsonBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateByProblem('isSmallObject', (value) => smallObjectProblem(value, maxKeys, maxJsonBytes), options);
}

/** Byte length in UTF-8, which is what a 64 KiB column can hold. */
export function MaxUtf8Bytes(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxUtf8Bytes',
      constraints: [maxBytes],
      validator: {
        validate: (value) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= maxBytes,
        defaultMessage: buildMessage((prefix) => `${prefix}$property must be a string of at most $constraint1 bytes in UTF-8`, options),
      },
    },
    options,
  );
}

/** Why a list of names (teams, channels) breaks the limits, or null. */
export function nameListProblem(value: unknown, maxItems: number, maxLength: number): string | null {
  if (!Array.isArray(value)) return 'must be an array of strings (or a string holding a JSON array)';
  if (value.length > maxItems) return `must have at most ${maxItems} names`;
  if (value.some((name) => typeof name !== 'string' || characters(name) < 1 || characters(name) > maxLength)) {
    return `names must be strings of 1..${maxLength} characters`;
  }
  if (new Set(value).size !== value.length) return 'names must be unique';
  return null;
}

export function IsNameList(maxItems: number, maxLength: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateByProblem('isNameList', (value) => nameListProblem(value, maxItems, maxLength), options);
}

/** Accepts an array, or a string holding a JSON array (the seeds send both). Anything else is left for the validator to refuse. */
export const ParseJsonArray = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) ? parsed : value;
    } catch {
      return value;
    }
  });

export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/**
 * Keeps the raw JSON value: class-transformer would otherwise walk a free-form map and could assign
 * a `__proto__` key instead of letting the validator refuse it.
 */
export const RawValue = () =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => (Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined));

/**
 * The field may be left out, but not sent as null (class-validator's IsOptional lets null through,
 * which would then reach a NOT NULL column). Use IsOptional only where null is a meaningful value.
 */
export const Optional = (options?: ValidationOptions) => ValidateIf((_, value) => value !== undefined, options);

const ENVELOPE_ALIASES = Symbol('envelopeAliases');

/**
 * Other names under which a body's top-level `data` may come (SPEC §4, tolerant reading for the
 * official SDKs: Unity spells it `Data`, Unreal's edit calls it `party`). EdgeValidationPipe renames
 * the one given to `data` before validating; more than one of them is a 400.
 */
export const EnvelopeAliases =
  (...aliases: string[]): ClassDecorator =>
  (target) =>
    Reflect.defineMetadata(ENVELOPE_ALIASES, aliases, target);

/** The body with an envelope alias renamed to `data`, as EnvelopeAliases on `type` allows; anything else is returned as it is. */
export function withEnvelopeAliasesResolved(type: unknown, body: unknown): unknown {
  const aliases = (typeof type === 'function' ? Reflect.getMetadata(ENVELOPE_ALIASES, type) : undefined) as string[] | undefined;
  if (!aliases || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const given = ['data', ...aliases].filter((key) => Object.prototype.hasOwnProperty.call(body, key));
  if (given.length > 1) throw new DomainError(ErrorCode.VALIDATION_FAILED, `give the body's data once: ${given.join(' and ')} are the same field`);
  if (given.length === 0 || given[0] === 'data') return body;
  const { [given[0]]: data, ...rest } = body as Record<string, unknown>;
  return { ...rest, data };
}

/** The seeds' `{"data": {...}}` request envelope: an object, validated as `type`. */
export const DataEnvelope = (type: new () => object, description = 'The fields. Also accepted spelled `Data` (the Unity SDK); giving both is 400.') =>
  applyDecorators(
    ApiProperty({ type, description }),
    IsDefined(),
    IsObject(),
    ValidateNested(),
    Type(() => type),
  );
