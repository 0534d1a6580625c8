import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Names of the two security schemes: the Web API's session token and the Trusted API's server key. */
export const SESSION_SCHEME = 'session';
export const SERVER_KEY_SCHEME = 'server-key';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Party service')
    .setDescription(
      'Parties for game backends. Game clients call the **Web API** (`/api/table/services/parties`) with a session token; ' +
        'game servers call the **Trusted Server API** (`/server/services/party`, `/server/players`) with `X-Server-Key`, ' +
        'acting for a player named by `player` (or `caller`). Every error has the body `{statusCode, error, code, message, msg, status: false}` ' +
        "(`msg` is the official DynamicPixels SDKs' string for the error where they have one). Every route is also served under " +
        '`/game/{clientId}/…`, where the official SDKs call (GAME_CLIENT_ID restricts the client id).',
    )
    .setVersion('1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Session token from POST /api/auth/guest or POST /server/players/{id}/sessions' },
      SESSION_SCHEME,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Server-Key', description: 'The SERVER_KEY the service was started with' }, SERVER_KEY_SCHEME)
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs, the OpenAPI JSON at /docs-json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
