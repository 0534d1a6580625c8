import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { INT32_MAX } from './validators';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, description: 'How many items to skip.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INT32_MAX)
  skip: number = 0;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT, description: 'Page size.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit: number = DEFAULT_PAGE_LIMIT;
}

export class SearchQuery extends PageQuery {
  @ApiPropertyOptional({
    default: '',
    maxLength: 128,
    description: 'Case-insensitive substring of the name or description; `%`, `_` and `\\` match themselves.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  query: string = '';
}

export interface Page<T> {
  list: T[];
  totalCount: number;
}
