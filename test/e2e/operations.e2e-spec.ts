import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gameServerRoundTrip } from '../../clients/typescript/example/game-server';
import { serializeOpenApiDocument } from '../../src/common/openapi/openapi';
import { Api, expectStatus } from '../support/api';
import { describeApi, startTestApp, TestApp, useTestApp } from '../support/test-app';

const COMMITTED_OPENAPI = join(__dirname, '..', '..', 'openapi.json');
const CHROMIUM = '/usr/bin/chromium';

async function withApp(env: Record<string, string>, use: (app: TestApp, api: Api) => Promise<void>): Promise<void> {
  const app = await startTestApp(env);
  try {
    await use(app, new Api(app.url, app.serverKey));
  } finally {
    await app.close();
  }
}

/** Issue 12: browser-ready and operable (CORS, helmet, docs, request ids, metrics), with a committed OpenAPI document and a typed client. */
describeApi('operations: CORS, security headers, docs, request ids, metrics, OpenAPI and the typed client', () => {
  const t = useTestApp();

  describe('the OpenAPI document', () => {
    it('is what openapi.json holds (run `npm run openapi` after changing the API)', async () => {
      const served = (await t.api.send('get', '/docs-json')).body;
      expect(serializeOpenApiDocument(served) === readFileSync(COMMITTED_OPENAPI, 'utf8')).toBe(true);
    });

    it('has uniform operation ids, int32 ids, named roles and statuses, described responses and opaque session tokens', async () => {
      const doc = (await t.api.send('get', '/docs-json')).body;
      const operations = Object.values(
        doc.paths as Record<string, Record<string, { operationId: string; responses: Record<string, { description?: string }> }>>,
      ).flatMap((methods) => Object.values(methods));
      const ids = operations.map((operation) => operation.operationId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => !/^(web|trusted)_(party|players|auth)_[a-z_]+$|^health_[a-z_]+$/.test(id))).toEqual([]);
      expect(ids).toEqual(expect.arrayContaining(['web_party_join', 'trusted_party_join', 'web_auth_guest', 'trusted_players_create']));
      expect(operations.flatMap((operation) => Object.values(operation.responses)).filter((response) => !response.description)).toEqual([]);
      const schemas = doc.components.schemas;
      expect(schemas.PartyView.properties.id).toMatchObject({ type: 'integer', format: 'int32' });
      expect(schemas.MembershipView.properties.player).toMatchObject({ type: 'integer', format: 'int32' });
      expect(schemas.MemberRole).toMatchObject({ type: 'integer', enum: [1, 2, 3], description: expect.stringContaining('owner') });
      expect(schemas.MembershipStatus).toMatchObject({ type: 'integer', enum: [0, 1], description: expect.stringContaining('waiting') });
      expect(doc.components.securitySchemes.session.bearerFormat).not.toBe('JWT');
    });
  });

  it("the typed client's example game server signs in a player, creates a party and accepts a request", async () => {
    const trip = await gameServerRoundTrip(t.app.url, t.app.serverKey);
    expect(trip.memberCount).toBe(2);
    const members = await t.api.trusted(undefined, 'get', `/${trip.partyId}/members`);
    expect(members.body.list.map((member: { id: number }) => member.id)).toEqual([trip.ownerId, trip.guestId]);
  });

  describe('browsers', () => {
    it('CORS: none by default; with CORS_ORIGINS, preflights for the Web API and exposed headers', async () => {
      const preflight = {
        origin: 'https://game.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization,content-type,if-match,idempotency-key,x-request-id',
      };
      const none = await t.api.send('options' as 'get', '/api/table/services/parties/1', preflight);
      expect(none.headers['access-control-allow-origin']).toBeUndefined();
      await withApp({ CORS_ORIGINS: 'https://game.example, https://other.example' }, async (_app, api) => {
        const res = await api.send('options' as 'get', '/api/table/services/parties/1', preflight);
        expect(res.status).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe('https://game.example');
        expect(res.headers['access-control-allow-methods']).toContain('PUT');
        expect(res.headers['access-control-allow-headers']?.toLowerCase()).toEqual(expect.stringContaining('idempotency-key'));
        const get = await api.send('get', '/health', { origin: 'https://game.example' });
        expect(get.headers['access-control-expose-headers']).toBe('ETag,Retry-After,X-Request-Id');
        const stranger = await api.send('options' as 'get', '/api/table/services/parties/1', { ...preflight, origin: 'https://evil.example' });
        expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
      });
    });

    it('no upgrade-insecure-requests and no HSTS over plain HTTP; HSTS with HSTS=true', async () => {
      const res = await t.api.send('get', '/health');
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      await withApp({ HSTS: 'true' }, async (_app, api) => {
        expect((await api.send('get', '/health')).headers['strict-transport-security']).toContain('max-age=');
      });
    });

    it('DOCS_ENABLED=false turns /docs and /docs-json off', async () => {
      await withApp({ DOCS_ENABLED: 'false' }, async (_app, api) => {
        expectStatus(await api.send('get', '/docs-json'), 404, 'NOT_FOUND');
        expectStatus(await api.send('get', '/docs'), 404, 'NOT_FOUND');
      });
    });

    (existsSync(CHROMIUM) ? it : it.skip)(
      'Swagger UI renders in headless Chromium over plain HTTP from 127.0.0.2 under a name, not only localhost',
      async () => {
        const { chromium } = await import('playwright-core');
        // Another loopback address, under a name: the page's origin is then not one a browser trusts as local
        // (as on a LAN or a VM), so `upgrade-insecure-requests` would send its assets to https and fail.
        const other = await startTestApp({}, '127.0.0.2');
        const browser = await chromium.launch({
          executablePath: CHROMIUM,
          args: [
            '--host-resolver-rules=MAP party.test 127.0.0.2',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        });
        try {
          const page = await browser.newPage();
          await page.goto(`${other.url.replace('127.0.0.2', 'party.test')}/docs`, { waitUntil: 'networkidle', timeout: 30_000 });
          await page.waitForSelector('.opblock-tag', { timeout: 15_000 });
          expect(await page.locator('.opblock').count()).toBeGreaterThan(40);
          expect(await page.textContent('body')).toContain('Web API: parties');
        } finally {
          await browser.close();
          await other.close();
        }
      },
    );
  });

  describe('request ids, logs and metrics', () => {
    it('accepts a client X-Request-Id (a plain token) or generates one, and echoes it on every answer, errors included', async () => {
      expect((await t.api.send('get', '/health', { 'x-request-id': 'client-id.42' })).headers['x-request-id']).toBe('client-id.42');
      const generated = (await t.api.send('get', '/no/such/route', { 'x-request-id': 'not a token!' })).headers['x-request-id'];
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('GET /metrics: request durations by route template, party operations, pool and process metrics', async () => {
      const [owner] = await t.api.players(1);
      await t.api.party(owner);
      const text = (await t.api.send('get', '/metrics')).text;
      expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*method="POST",route="\/api\/table\/services\/parties",status="200"/);
      expect(text).toMatch(/party_operations_total\{operation="create"\} [1-9]/);
      expect(text).toContain('db_lock_conflict_retries_total');
      expect(text).toContain('http_unavailable_total');
      expect(text).toContain('process_cpu_seconds_total');
    });

    it('METRICS_ENABLED=false has no /metrics; METRICS_PORT serves it on its own port only', async () => {
      await withApp({ METRICS_ENABLED: 'false' }, async (_app, api) => expectStatus(await api.send('get', '/metrics'), 404, 'NOT_FOUND'));
      const { freePort } = await import('../support/service-process');
      const port = await freePort();
      await withApp({ METRICS_PORT: String(port) }, async (_app, api) => {
        expectStatus(await api.send('get', '/metrics'), 404, 'NOT_FOUND');
        const own = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(own.status).toBe(200);
        expect(await own.text()).toContain('http_request_duration_seconds');
      });
    });
  });
});
