import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-code';
import { ApiErrors } from '../common/openapi/api-errors';
import { DatabaseProbe } from '../database/database-probe';

const READY_TIMEOUT_MS = 1500;

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseProbe) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ description: 'The process is up.', schema: { type: 'object', properties: { status: { type: 'string' } }, example: { status: 'ok' } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers (503 otherwise, within 2 s)' })
  @ApiOkResponse({
    description: 'The database answers.',
    schema: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' } }, example: { status: 'ok', database: 'up' } },
  })
  @ApiErrors(ErrorCode.SERVICE_UNAVAILABLE)
  async ready(): Promise<{ status: string; database: string }> {
    try {
      await this.database.ping(READY_TIMEOUT_MS);
      return { status: 'ok', database: 'up' };
    } catch {
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'database is not reachable');
    }
  }
}
