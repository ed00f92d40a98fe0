/**
 * Request bodies arrive as bytes and are decoded strictly: invalid UTF-8 or binary content is a 400 with
 * a clear message, never mojibake; a charset named in Content-Type (windows-1252, UTF-16…) is honoured.
 * JSON then goes through fastify's own parser (prototype-poisoning checks); text/plain and text/html
 * bodies reach the route as strings.
 */
import type { FastifyInstance } from 'fastify';
import { decodeText } from '../model/text.js';
import { HttpError } from './errors.js';

const UTF8_LABELS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

export function decodeBody(body: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset && !UTF8_LABELS.has(charset)) {
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(charset);
    } catch {
      throw new HttpError(415, `unsupported charset ${JSON.stringify(charset)}; send UTF-8`);
    }
    const text = decoder.decode(body);
    if (text.slice(0, 8192).includes('\u0000')) throw new HttpError(400, 'request body looks binary (it contains NUL characters); expected text');
    return text;
  }
  const result = decodeText(body, Number.MAX_SAFE_INTEGER); // the size limit is fastify's bodyLimit (413)
  if (!result.ok) throw new HttpError(400, result.error.replace(/^document/, 'request body'));
  return result.text;
}

export function installBodyParsers(app: FastifyInstance): void {
  const jsonParse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = decodeBody(body as Buffer, req.headers['content-type']);
    } catch (err) {
      return done(err as Error, undefined);
    }
    jsonParse(req, text, done);
  });
  app.addContentTypeParser(['text/plain', 'text/html', 'application/xhtml+xml'], { parseAs: 'buffer' }, (req, body, done) => {
    try {
      done(null, decodeBody(body as Buffer, req.headers['content-type']));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
