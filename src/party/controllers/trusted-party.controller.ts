import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { TrustedAuth } from '../../auth/auth.decorators';
import { TRUSTED } from './party-operations';
import { PartyRoutes } from './party.routes';

/** The party operations for game servers: the server key authenticates; `player`/`caller` names the player it acts for. */
@ApiTags('Trusted Server API: parties')
@TrustedAuth()
@Controller('server/services/party')
export class TrustedPartyController extends PartyRoutes(TRUSTED) {}
