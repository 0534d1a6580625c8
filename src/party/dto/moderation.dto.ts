import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsStringMap, MaxUtf8Bytes, Optional, RawValue } from '../../common/validation/validators';
import { MemberRole } from '../entities/membership.entity';
import { PARTY_LIMITS as L } from '../party.limits';

export class SetRoleBody {
  @ApiProperty({ enum: [MemberRole.ADMIN, MemberRole.MEMBER], description: '2 = admin, 3 = member. Ownership moves only by transfer (edit `owner`).' })
  @IsIn([MemberRole.ADMIN, MemberRole.MEMBER])
  role: MemberRole.ADMIN | MemberRole.MEMBER;
}

/** A membership's own free-form fields; same limits as the party's (SPEC §4). Fields left out are kept. */
export class MemberDataBody {
  @ApiPropertyOptional({ description: 'Free-form string, at most 64 KiB in UTF-8.' })
  @Optional()
  @MaxUtf8Bytes(L.dataBytes)
  data?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { ready: 'yes' }, description: 'Replaces the whole map.' })
  @Optional()
  @RawValue()
  @IsStringMap(L.variables)
  variables?: Record<string, string>;
}
