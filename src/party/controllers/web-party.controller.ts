import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { WebAuth } from '../../auth/auth.decorators';
import { WEB } from './party-operations';
import { PartyRoutes } from './party.routes';

/** The party operations for game clients: the session token names the calling player. */
@ApiTags('Web API: parties')
@WebAuth()
@Controller('api/table/services/parties')
export class WebPartyController extends PartyRoutes(WEB) {}
