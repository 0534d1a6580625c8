import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Names of the two security schemes: the Web API's session token and the Trusted API's server key. */
export const SESSION_SCHEME = 'session';
export const SERVER_KEY_SCHEME = 'server-key';

/** Operation ids are `<surface>_<operation>` in snake case (`web_party_join`, `trusted_players_create`), stable for generated clients. */
const OPERATION_PREFIX: Record<string, string> = {
  WebPartyController: 'web_party',
  TrustedPartyController: 'trusted_party',
  AuthController: 'web_auth',
  PlayersTrustedController: 'trusted_players',
  HealthController: 'health',
};

function operationId(controller: string, method: string): string {
  const prefix = OPERATION_PREFIX[controller];
  if (!prefix) throw new Error(`${controller} has no operation id prefix in openapi.ts`);
  return `${prefix}_${method.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Party service')
    .setDescription(
      'Parties for game backends. Game clients call the **Web API** (`/api/table/services/parties`) with a session token; ' +
        'game servers call the **Trusted Server API** (`/server/services/party`, `/server/players`) with `X-Server-Key`, ' +
        'acting for a player named by `player` (or `caller`). Every error has the body `{statusCode, error, code, message, msg, status: false}` ' +
        "(`msg` is the official DynamicPixels SDKs' string for the error where they have one). Every route is also served under " +
        '`/game/{clientId}/…`, where the official SDKs call (GAME_CLIENT_ID restricts the client id).\n\n' +
        '**Realtime events and versions (SPEC §7).** Every party has a `version`, raised by each committed change. `GET` of a party answers ' +
        '`ETag: "<version>"`; every write to a party accepts `If-Match: "<version>"` and answers `412 VERSION_MISMATCH` (writing nothing) ' +
        'when the party has moved on. Changes are pushed over WebSockets on the same port (not described by OpenAPI, which has no WebSockets): ' +
        '`GET /api/events` for players (`Authorization: Bearer <token>` on the upgrade, or a first message `{"type": "auth", "token": "…"}`), ' +
        'receiving the events of every party they have a membership in; `GET /server/events` for game servers (`X-Server-Key` on the upgrade), ' +
        'which send `{"type": "subscribe", "parties": [ids]}` or `{"type": "subscribe", "all": true}`. Each event is ' +
        '`{"type", "party", "version", "at", "data"}`; after a reconnect, `{"type": "resume", "party": <id>, "since": <version>}` replays what ' +
        'was missed. The README has the whole protocol.',
    )
    .setVersion('1.0')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'An opaque session token (not a JWT) from POST /api/auth/guest or POST /server/players/{id}/sessions',
      },
      SESSION_SCHEME,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Server-Key', description: 'The SERVER_KEY the service was started with' }, SERVER_KEY_SCHEME)
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: operationId });
}

/** The document as committed in openapi.json: stable key order as built, two-space indent, final newline. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Swagger UI at /docs, the OpenAPI JSON at /docs-json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
