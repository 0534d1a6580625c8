/*
 * `npm run openapi`: writes the OpenAPI document the service serves at /docs-json to openapi.json (the
 * committed copy; test/e2e/openapi.e2e-spec.ts fails when they differ), then regenerates the typed
 * client from it. Runs the real application on a throwaway embedded database.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'party-openapi-'));
  Object.assign(process.env, { NODE_ENV: 'test', LOG_LEVEL: 'silent', EMBEDDED_DATABASE_FILE: join(dir, 'db.sqlite') });
  delete process.env.DATABASE_URL;
  // Imported only now: entities read DATABASE_URL when they load.
  const { createApp } = await import('../src/app.factory');
  const { loadConfig } = await import('../src/config/app-config');
  const { buildOpenApiDocument, serializeOpenApiDocument } = await import('../src/common/openapi/openapi');
  const app = await createApp(loadConfig(), { logger: false });
  await app.init();
  try {
    writeFileSync(join(__dirname, '..', 'openapi.json'), serializeOpenApiDocument(buildOpenApiDocument(app)));
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('wrote openapi.json');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
