import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The web console's built assets (dist/console, made by `npm run build`), served at /console.
 * From source (src/console) and from the bundle (dist/cli) alike, dist/console is two levels up.
 */
export const CONSOLE_DIST = resolve(import.meta.dirname, '../../dist/console');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names every asset by its content hash: a changed file gets a new name, so a year of caching is safe. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  readonly body: Buffer;
  /** Kept compressed once at start rather than per request; absent where gzip would not help. */
  readonly gzipped?: Buffer;
  readonly contentType: string;
  readonly cacheControl: string;
}

/**
 * Serves the console: its few files are read into memory once at start (a few hundred KB), every
 * other path under /console gets index.html so deep links work, and /console/api/… stays the API's.
 */
export function registerConsoleAssets(app: FastifyInstance, dist = CONSOLE_DIST): void {
  const assets = loadAssets(dist);
  const index = assets?.get('index.html');
  const serve = async (request: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
    const path = request.params['*'] ?? '';
    if (path.startsWith('api/')) return reply.code(404).send({ error: { code: 'NotFound', message: `no route ${request.method} ${request.url}` } });
    if (!assets || !index) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The web console is not built: run `npm run build` (it builds dist/console), then restart Fleetgate.\n');
    }
    const asset = assets.get(path);
    // A missing hashed file is a stale page asking for an old build: a 404, not index.html.
    if (!asset && path.startsWith('assets/')) return reply.code(404).type('text/plain; charset=utf-8').send('No such console asset: reload the page.\n');
    return send(request, reply, asset ?? index);
  };
  app.get('/console', serve);
  app.get('/console/*', serve);
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  reply.header('content-type', asset.contentType).header('cache-control', asset.cacheControl).header('vary', 'accept-encoding');
  if (request.method === 'HEAD') return reply.send();
  const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (asset.gzipped && acceptsGzip) return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  return reply.send(asset.body);
}

/** The built files by path relative to dist/console, or undefined when the console is not built. */
function loadAssets(dist: string): Map<string, Asset> | undefined {
  if (!existsSync(join(dist, 'index.html'))) return undefined;
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const path = file.slice(dist.length + 1).split('\\').join('/');
    const body = readFileSync(file);
    const contentType = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType) && body.length > 1024;
    assets.set(path, {
      body,
      gzipped: compressible ? gzipSync(body, { level: 9 }) : undefined,
      contentType,
      cacheControl: path === 'index.html' ? 'no-cache' : path.startsWith('assets/') ? IMMUTABLE : 'public, max-age=3600',
    });
  }
  return assets;
}
