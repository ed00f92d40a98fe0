/**
 * Bearer-token auth for writes: when the server has a token (option or FRONTLINE_TOKEN), every POST, PUT,
 * PATCH and DELETE, whichever plugin registered it, needs `Authorization: Bearer <token>`; reads stay open.
 * The comparison takes constant time.
 *
 * Host check against DNS rebinding: a server bound to loopback (the default) answers only requests whose
 * Host is a loopback name, so a web page the user visits cannot rebind its own domain to 127.0.0.1 and
 * read or write the local API. More names can be allowed with FRONTLINE_ALLOWED_HOSTS=name,name.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.js';

export const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function installTokenAuth(app: FastifyInstance, token: string): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!WRITE_METHODS.has(req.method)) return;
    const header = req.headers.authorization ?? '';
    const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
    if (!given || !sameSecret(given, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="frontline"')
        .type('application/json; charset=utf-8')
        .send(errorBody(401, header ? 'wrong bearer token' : 'this server requires Authorization: Bearer <token> for writes'));
    }
  });
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** The hostname of a Host header ("[::1]:8080" → "::1", "Example.org:80" → "example.org"). */
export function hostName(header: string | undefined): string {
  const h = (header ?? '').trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  return h.replace(/:\d+$/, '');
}

/** Host names a loopback-bound server answers: loopback names plus FRONTLINE_ALLOWED_HOSTS. */
export function loopbackAllowedHosts(extra = process.env.FRONTLINE_ALLOWED_HOSTS ?? ''): string[] {
  return [...LOOPBACK_NAMES, ...extra.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)];
}

export function installHostCheck(app: FastifyInstance, allowed: string[]): void {
  const names = new Set(allowed.map((n) => n.toLowerCase()));
  app.addHook('onRequest', async (req, reply) => {
    const name = hostName(req.headers.host);
    if (names.has(name) || /^127\.\d+\.\d+\.\d+$/.test(name)) return;
    return reply
      .code(403)
      .type('application/json; charset=utf-8')
      .send(errorBody(403, `host ${JSON.stringify(name)} is not served here (this server answers ${[...names].join(', ')}; add names with FRONTLINE_ALLOWED_HOSTS)`));
  });
}
