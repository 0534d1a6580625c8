import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiResponseOptions, getSchemaPath } from '@nestjs/swagger';

/** `{row: T}` */
export const ApiRow = (model: Type<unknown>, description = 'The row.', headers?: ApiResponseOptions['headers']) =>
  applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({ description, headers, schema: { type: 'object', required: ['row'], properties: { row: { $ref: getSchemaPath(model) } } } }),
  );

/** `{list: T[], totalCount}` */
export const ApiPage = (model: Type<unknown>, description = 'One page of the list, and how many there are in all.') =>
  applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['list', 'totalCount'],
        properties: { list: { type: 'array', items: { $ref: getSchemaPath(model) } }, totalCount: { type: 'integer', format: 'int32', example: 1 } },
      },
    }),
  );

/** `{row: T, affected: N}`: what a removal removed (SPEC §2; the official SDKs read `affected` from leave and `row` from reject). */
export const ApiRemoved = (model: Type<unknown>) =>
  applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      description: 'The removed row, and how many rows were removed.',
      schema: {
        type: 'object',
        required: ['row', 'affected'],
        properties: { row: { $ref: getSchemaPath(model) }, affected: { type: 'integer', format: 'int32', example: 1 } },
      },
    }),
  );

/** What answers with one row. */
export interface Row<T> {
  row: T;
}

/** What a removal answers. */
export interface Removal<T> {
  row: T;
  affected: number;
}

/** An int32 field (ids, counts): `integer`/`int32` in the document, so generated clients type it as a whole number. */
export const ApiInt = (options: { example?: number; description?: string; minimum?: number; nullable?: boolean } = {}) =>
  ApiProperty({ type: 'integer', format: 'int32', ...options });
