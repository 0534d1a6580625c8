import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';

/** `{row: T}` */
export const ApiRow = (model: Type<unknown>) =>
  applyDecorators(ApiExtraModels(model), ApiOkResponse({ schema: { type: 'object', required: ['row'], properties: { row: { $ref: getSchemaPath(model) } } } }));

/** `{list: T[], totalCount}` */
export const ApiPage = (model: Type<unknown>) =>
  applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['list', 'totalCount'],
        properties: { list: { type: 'array', items: { $ref: getSchemaPath(model) } }, totalCount: { type: 'integer', example: 1 } },
      },
    }),
  );

export class AffectedDoc {
  @ApiProperty({ example: 1 }) affected: number;
}

/** `{affected: N}` */
export const ApiAffected = () => ApiOkResponse({ type: AffectedDoc });
