/**
 * The dashboard: web/dist (vite's build) served at `/` with @fastify/static, index.html for unknown
 * non-API paths (client-side routes), a 503 page naming the build command when it is not built; and
 * the security headers every response carries (CSP: only 'self', plus blob: for the MapLibre worker,
 * data: for images/fonts, and inline style attributes, which cannot run script).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const DEFAULT_WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // Inline style *attributes* only (colour swatches set with setAttribute('style')); no <style> elements, no script.
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
    return payload;
  });
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Frontline: dashboard not built</title></head>
<body><h1>The dashboard is not built</h1>
<p>The API is running (see <a href="/api/openapi.json">/api/openapi.json</a>), but the dashboard files are missing.</p>
<p>Run <code>npm run build:web</code> in the Frontline folder, then restart the server (or reload this page if it was already built once).</p>
</body></html>
`;

const isApi = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');

/** Static files and the not-found handler (JSON 404 under /api, index.html or the 503 page elsewhere). */
export async function installDashboard(
  app: FastifyInstance,
  webRoot = DEFAULT_WEB_ROOT,
  /** Methods the API has for a path (for 405 + Allow instead of 404 when only the method is wrong). */
  methodsFor: (path: string) => string[] = () => [],
): Promise<void> {
  const root = path.resolve(webRoot);
  const served = existsSync(root);
  const built = () => served && existsSync(path.join(root, 'index.html'));
  if (served) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: true,
      index: 'index.html',
      setHeaders(res, filePath) {
        // vite fingerprints everything under assets/; index.html must always be revalidated.
        res.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const url = req.url;
    if (isApi(url)) {
      const allowed = methodsFor(url.split('?')[0]!);
      if (allowed.length) {
        return reply.code(405).header('allow', allowed.join(', ')).type('application/json; charset=utf-8').send({
          error: 'Method Not Allowed',
          message: `${req.method} is not allowed on ${url.split('?')[0]}; use ${allowed.join(' or ')}`,
          statusCode: 405,
        });
      }
      return reply.code(404).type('application/json; charset=utf-8').send({
        error: 'Not Found',
        message: `no API route ${req.method} ${url.split('?')[0]}; see /api/openapi.json`,
        statusCode: 404,
      });
    }
    const wantsPage = (req.method === 'GET' || req.method === 'HEAD') && !path.extname(url.split('?')[0]!);
    if (wantsPage && !built()) return reply.code(503).type('text/html; charset=utf-8').header('retry-after', '60').send(NOT_BUILT_PAGE);
    if (wantsPage) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html', root);
    return reply.code(404).type('application/json; charset=utf-8').send({
      error: 'Not Found',
      message: `no file ${url.split('?')[0]}`,
      statusCode: 404,
    });
  });
}
