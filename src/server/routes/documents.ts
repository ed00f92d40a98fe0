/**
 * POST /api/documents: ingest one report (JSON SourceDocument, the raw text as text/plain or a web page
 * as text/html, with metadata in the query string), extract its events, store and merge them; answers with the events.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { IngestResponseSchema, SourceDocumentSchema, type SourceDocument } from '../../model/index.js';
import { htmlToText, normalisePublished, parseTextHeader } from '../../ingest/index.js';
import { badRequest, parseOr400 } from '../errors.js';
import type { RouteDeps } from './deps.js';

/** Feeds and APIs send timestamps in many forms (ISO, RFC 822); the document keeps the date. */
const published = z.preprocess(
  (v) => (typeof v === 'string' ? (normalisePublished(v) ?? v) : v),
  SourceDocumentSchema.shape.published,
).optional();

export const DocumentQuery = z
  .object({
    id: z.string().min(1).max(500).optional(),
    published: published.describe('YYYY-MM-DD, YYYY-MM or YYYY (a timestamp, ISO or RFC 822, is cut to its date)'),
    source: z.string().max(500).optional().describe('outlet name'),
    title: z.string().max(2000).optional(),
    url: z.string().max(4000).optional(),
  })
  .strict();

export const DocumentBody = SourceDocumentSchema.extend({
  id: z.string().min(1).max(500).optional().describe('defaults to a hash of the text'),
  published,
}).strict();

export const documentsRoutes: FastifyPluginAsync<RouteDeps> = async (app, { store, extractor }) => {
  app.post(
    '/api/documents',
    {
      schema: { querystring: DocumentQuery },
      config: {
        doc: {
          summary: 'Ingest one report and return the events it created or updated',
          description:
            'Send a JSON SourceDocument, the text itself as text/plain, or a web page as text/html (UTF-8, or another charset ' +
            'named in Content-Type), with id, published, source, title and url in the query string (for JSON they fill fields the ' +
            'body lacks; for HTML they override the page\'s title and date; plain text may start with the header block ' +
            '`frontline ingest` reads: Published:/Source:/Title:/URL: lines, then a blank line). ' +
            'Answers 201 for a new document, 200 when the same content was already stored (nothing added). ' +
            'Bodies over the size limit get 413; invalid UTF-8 or binary content gets 400.',
          tags: ['documents'],
          requestBody: {
            'application/json': { schema: DocumentBody },
            'text/plain': { jsonSchema: { type: 'string' }, description: 'the report text' },
            'text/html': { jsonSchema: { type: 'string' }, description: 'a web page; its main text, title and date are extracted' },
          },
          responses: {
            201: { description: 'Stored; the events created or updated', schema: IngestResponseSchema },
            200: { description: 'Duplicate of a stored document; nothing added', schema: IngestResponseSchema },
            413: { description: 'Body larger than the limit' },
          },
        },
      },
    },
    async (req, reply) => {
      const meta = req.query as z.infer<typeof DocumentQuery>;
      let input: unknown;
      const isHtml = /^\s*(text\/html|application\/xhtml\+xml)/i.test(req.headers['content-type'] ?? '');
      if (typeof req.body === 'string' && isHtml) {
        const page = htmlToText(req.body);
        input = { ...(page.title ? { title: page.title } : {}), ...(page.published ? { published: page.published } : {}), ...meta, text: page.text };
      } else if (typeof req.body === 'string') {
        // The same optional `Published:/Source:/Title:/URL:` header block as `frontline ingest` reads from files.
        const { text, fields } = parseTextHeader(req.body);
        input = { ...fields, ...meta, text };
      } else if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) {
        input = { ...meta, ...(req.body as object) };
      } else {
        throw badRequest('body must be a JSON object (a SourceDocument), text/plain or text/html');
      }
      const parsed = parseOr400(DocumentBody, input, 'body');
      if (!parsed.text.trim()) throw badRequest('body field "text": empty; a document needs text');
      if (parsed.text.includes('\u0000')) throw badRequest('body field "text": contains NUL characters; expected text, not binary');
      const doc: SourceDocument = {
        ...parsed,
        id: parsed.id ?? `api-${createHash('sha256').update(parsed.text).digest('hex').slice(0, 16)}`,
      };
      const result = await store.ingest(doc, (d) => extractor.extract(d));
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );
};
