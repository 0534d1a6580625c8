import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsString, Length, Matches, MaxLength } from 'class-validator';
import { DataEnvelope, EnvelopeAliases, IsSmallObject, Optional, RawValue, Trim } from '../../common/validation/validators';

export class PlayerFields {
  @ApiPropertyOptional({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$', description: 'Unique login name.' })
  @Optional()
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'username may hold only letters, digits, "_", "." and "-"' })
  username?: string;

  @ApiPropertyOptional({ maxLength: 128, description: 'Display name (trimmed).' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2048 })
  @Optional()
  @IsString()
  @MaxLength(2048)
  image?: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @Optional()
  @IsString()
  @MaxLength(128)
  label?: string;

  @ApiPropertyOptional({ maxLength: 1024 })
  @Optional()
  @IsString()
  @MaxLength(1024)
  tags?: string;

  @ApiPropertyOptional()
  @Optional()
  @IsBoolean()
  is_guest?: boolean;

  @ApiPropertyOptional()
  @Optional()
  @IsBoolean()
  is_tester?: boolean;

  @ApiPropertyOptional({ description: 'A banned player gets 403 BANNED on every call.' })
  @Optional()
  @IsBoolean()
  is_ban?: boolean;
}

export class NewPlayerFields extends OmitType(PlayerFields, ['is_ban'] as const) {}

@EnvelopeAliases('Data')
export class CreatePlayerBody {
  @DataEnvelope(NewPlayerFields)
  data: NewPlayerFields;
}

@EnvelopeAliases('Data')
export class EditPlayerBody {
  @DataEnvelope(PlayerFields)
  data: PlayerFields;
}

/**
 * Guest sign-in (SPEC §1). `device_id` binds the guest to a device; `device_info`, `client_id`,
 * `client_secret` and `version` are what the official SDKs send: accepted, bounded, otherwise ignored.
 */
export class GuestLoginBody {
  @ApiPropertyOptional({ maxLength: 128, example: 'Ada' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({
    maxLength: 128,
    example: '5F1A2B3C4D5E6F70',
    description:
      'Signs in the guest player bound to this device, created on first use. Left out or "": a new guest every time. It is that guest\'s credential.',
  })
  @Optional()
  @IsString()
  @MaxLength(128)
  device_id?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'What the SDKs send about the device: at most 32 keys and 4 KiB as JSON; ignored.',
  })
  @Optional()
  @RawValue()
  @IsSmallObject(32, 4096)
  device_info?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 256, description: 'Sent by some SDK versions; ignored.' })
  @Optional()
  @IsString()
  @MaxLength(256)
  client_id?: string;

  @ApiPropertyOptional({ maxLength: 256, description: 'Sent by some SDK versions; ignored (never needed: guest sign-in is public).' })
  @Optional()
  @IsString()
  @MaxLength(256)
  client_secret?: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'SDK version; ignored.' })
  @Optional()
  @IsString()
  @MaxLength(64)
  version?: string;
}
