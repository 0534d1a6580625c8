import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsString, Length, Matches, MaxLength } from 'class-validator';
import { DataEnvelope, Optional, Trim } from '../../common/validation/validators';

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

export class CreatePlayerBody {
  @DataEnvelope(NewPlayerFields)
  data: NewPlayerFields;
}

export class EditPlayerBody {
  @DataEnvelope(PlayerFields)
  data: PlayerFields;
}

export class GuestLoginBody {
  @ApiPropertyOptional({ maxLength: 128, example: 'Ada' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(128)
  name?: string;
}
