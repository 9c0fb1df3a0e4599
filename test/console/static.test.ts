import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsoleAssets } from '../../src/console/static.ts';

const INDEX = '<!doctype html><title>console</title><script type="module" src="/console/assets/index-abc123.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4096))});`;

describe('console assets at /console', () => {
  let dist: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'fleetgate-console-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets/index-abc123.js'), SCRIPT);
    app = Fastify();
    registerConsoleAssets(app, dist);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at /console and /console/ with no-cache, so a new build is seen at once', async () => {
    for (const url of ['/console', '/console/']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toBe(INDEX);
    }
  });

  it('answers deep links with index.html, so a bookmarked page opens', async () => {
    const response = await app.inject({ url: '/console/a/100000000001/mna/hardware' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(INDEX);
  });

  it('caches hashed assets for a year and sends them gzipped to a browser that accepts it', async () => {
    const plain = await app.inject({ url: '/console/assets/index-abc123.js' });
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.body).toBe(SCRIPT);
    const gzipped = await app.inject({ url: '/console/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.rawPayload.length).toBeLessThan(SCRIPT.length / 4);
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(SCRIPT);
  });

  it('answers a missing hashed asset 404 (a stale page), not index.html', async () => {
    const response = await app.inject({ url: '/console/assets/index-old999.js' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatch(/reload the page/);
  });

  it('leaves /console/api/… to the API: an unknown API path is a JSON 404, never the page', async () => {
    const response = await app.inject({ url: '/console/api/v1/no-such-route' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'NotFound', message: 'no route GET /console/api/v1/no-such-route' } });
  });

  it('answers 503 saying to run npm run build when the console was never built (running from source)', async () => {
    const unbuilt = Fastify();
    registerConsoleAssets(unbuilt, join(dist, 'missing'));
    for (const url of ['/console', '/console/a/1']) {
      const response = await unbuilt.inject({ url });
      expect(response.statusCode).toBe(503);
      expect(response.body).toMatch(/run `npm run build`/);
    }
    await unbuilt.close();
  });
});
