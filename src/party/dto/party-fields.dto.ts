import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsISO8601, IsOptional, IsString, Length, MaxLength, Min } from 'class-validator';
import {
  DataEnvelope,
  EnvelopeAliases,
  IsNameList,
  Optional,
  IsStringMap,
  MaxUtf8Bytes,
  ParseJsonArray,
  RawValue,
  Trim,
} from '../../common/validation/validators';
import { PARTY_LIMITS as L } from '../party.limits';

const nameList = (what: string) =>
  ApiPropertyOptional({
    oneOf: [
      { type: 'array', items: { type: 'string' } },
      { type: 'string', description: 'a JSON array in a string' },
    ],
    example: what === 'teams' ? ['red', 'blue'] : ['general'],
    description: `Up to ${L.names.maxItems} unique ${what}, each 1..${L.names.maxLength} characters. An array, or a string holding a JSON array.`,
  });

/** The fields of a party a caller may set (SPEC §2, §4). */
export class PartyFields {
  @ApiProperty({ minLength: 1, maxLength: L.nameLength, example: 'Friday raid', description: 'Trimmed.' })
  @Trim()
  @IsString()
  @Length(1, L.nameLength)
  name: string;

  @ApiPropertyOptional({ maxLength: L.descLength, example: 'Casual, all welcome' })
  @Optional()
  @IsString()
  @MaxLength(L.descLength)
  desc?: string;

  @ApiPropertyOptional({ maxLength: L.imageLength })
  @Optional()
  @IsString()
  @MaxLength(L.imageLength)
  image?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    default: L.defaultMaxMemberCount,
    description:
      'At most MAX_PARTY_SIZE (default 1,000). 0 (what the official SDKs send for an unset value) means the default on create and "unchanged" on edit.',
  })
  @Transform(({ value }: { value: unknown }) => (value === 0 ? undefined : value))
  @Optional()
  @IsInt()
  @Min(1)
  max_member_count?: number;

  @ApiPropertyOptional({ default: false, description: 'Private: joining creates a join request that the owner or an admin accepts.' })
  @Optional()
  @IsBoolean()
  is_private?: boolean;

  @nameList('teams')
  @Optional()
  @ParseJsonArray()
  @IsNameList(L.names.maxItems, L.names.maxLength)
  teams?: string[];

  @nameList('channels')
  @Optional()
  @ParseJsonArray()
  @IsNameList(L.names.maxItems, L.names.maxLength)
  channels?: string[];

  @ApiPropertyOptional({ default: '', description: 'Free-form string, at most 64 KiB in UTF-8.' })
  @Optional()
  @MaxUtf8Bytes(L.dataBytes)
  data?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { mode: 'ranked' },
    description: `String-to-string map: up to ${L.variables.maxKeys} keys of 1..${L.variables.maxKeyLength} characters, values up to ${L.variables.maxValueLength} characters.`,
  })
  @Optional()
  @RawValue()
  @IsStringMap(L.variables)
  variables?: Record<string, string>;
}

@EnvelopeAliases('Data')
export class CreatePartyBody {
  @DataEnvelope(PartyFields)
  data: PartyFields;
}

/**
 * Edit: every field optional; `id` must match the path, `owner` transfers ownership. (Not PartialType:
 * it would mark inherited fields IsOptional, which lets null through to NOT NULL columns.)
 */
export class PartyEditFields extends OmitType(PartyFields, ['name'] as const) {
  @ApiPropertyOptional({ minLength: 1, maxLength: L.nameLength, description: 'Trimmed.' })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, L.nameLength)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'If given, must equal the party id in the path.' })
  @Optional()
  @IsInt()
  @Min(1)
  id?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description:
      'Transfer ownership to this accepted member (owner or trusted server only). The current owner (0 for a party without one) changes nothing, so a row read with GET can be sent back.',
  })
  @Optional()
  @IsInt()
  @Min(0)
  owner?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, readOnly: true, description: 'Read-only, as a GET returned it: accepted and ignored.' })
  @Optional()
  @IsInt()
  @Min(0)
  member_count?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', readOnly: true, description: 'Read-only, as a GET returned it: accepted and ignored.' })
  @Optional()
  @IsISO8601()
  created_at?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, readOnly: true, description: 'Read-only, as a GET returned it: accepted and ignored.' })
  @Optional()
  @IsInt()
  @Min(1)
  version?: number;
}

/** The Unreal SDK sends `{"partyId", "party": {...}}`: `party` is `data` under another name, and Unity spells it `Data` (SPEC §4). */
@EnvelopeAliases('Data', 'party')
export class EditPartyBody {
  @DataEnvelope(
    PartyEditFields,
    'The fields to change. Also accepted as `Data` (the Unity SDK) or `party` (the Unreal SDK, with `partyId`); giving two of them is 400.',
  )
  data: PartyEditFields;

  @ApiPropertyOptional({ type: 'integer', description: 'Sent by the Unreal SDK; if given, must equal the party id in the path.' })
  @Optional()
  @IsInt()
  partyId?: number;
}

export class JoinPartyBody {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'red',
    description: 'One of the party\'s teams. "" (the Unreal SDK\'s unset value) means no team.',
  })
  @Transform(({ value }: { value: unknown }) => (value === '' ? null : value))
  @IsOptional()
  @IsString()
  @Length(1, L.names.maxLength)
  team?: string | null;

  @ApiPropertyOptional({ type: [String], nullable: true, example: ['general'], description: "Each one of the party's channels." })
  @IsOptional()
  @ParseJsonArray()
  @IsNameList(L.names.maxItems, L.names.maxLength)
  channels?: string[] | null;

  @ApiPropertyOptional({ type: 'integer', description: 'Sent by the Unreal SDK; if given, must equal the party id in the path.' })
  @Optional()
  @IsInt()
  partyId?: number;
}
