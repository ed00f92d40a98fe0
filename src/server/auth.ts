/**
 * Bearer-token auth for writes: when the server has a token (option or FRONTLINE_TOKEN), every POST, PUT,
 * PATCH and DELETE, whichever plugin registered it, needs `Authorization: Bearer <token>`; reads stay open.
 * The comparison takes constant time.
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
