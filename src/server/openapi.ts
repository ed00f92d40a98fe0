/**
 * OpenAPI 3.0 document generated from the routes themselves: every /api route is listed, described by
 * its `config.doc` (summary, responses) and zod request schemas (`schema.querystring/params/body`); the JSON
 * Schemas come from `z.toJSONSchema`, so the zod schemas in src/model stay the single source.
 */
import type { FastifyInstance, FastifyPluginAsync, RouteOptions } from 'fastify';
import { z } from 'zod';
import {
  ErrorResponseSchema,
  EventListResponseSchema,
  EventDetailResponseSchema,
  EventSourceSchema,
  EvidenceSchema,
  IngestResponseSchema,
  MergeRecordSchema,
  ReviewRecordSchema,
  StatsResponseSchema,
  StoredEventSchema,
  StoredDocumentSchema,
} from '../model/index.js';

export interface RouteResponseDoc {
  description: string;
  /** Defaults to application/json. */
  contentType?: string | string[];
  schema?: z.ZodType;
  /** A plain JSON Schema, for bodies that are not JSON (CSV, text). */
  jsonSchema?: object;
}

export interface RouteDoc {
  summary: string;
  description?: string;
  tags: string[];
  /** Request bodies by content type, when the route takes one. */
  requestBody?: Record<string, { schema?: z.ZodType; jsonSchema?: object; description?: string }>;
  responses: Record<number, RouteResponseDoc>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    doc?: RouteDoc;
  }
}

interface CollectedRoute {
  method: string;
  url: string;
  doc: RouteDoc;
  querystring?: z.ZodType;
  params?: z.ZodType;
  body?: z.ZodType;
}

/** Shared schemas listed once under components.schemas and referenced by $ref. */
const NAMED_SCHEMAS: [z.ZodType, string][] = [
  [EvidenceSchema, 'Evidence'],
  [EventSourceSchema, 'EventSource'],
  [StoredEventSchema, 'StoredEvent'],
  [StoredDocumentSchema, 'StoredDocument'],
  [ReviewRecordSchema, 'ReviewRecord'],
  [MergeRecordSchema, 'MergeRecord'],
  [EventDetailResponseSchema, 'EventDetail'],
  [EventListResponseSchema, 'EventList'],
  [StatsResponseSchema, 'Stats'],
  [IngestResponseSchema, 'IngestResponse'],
  [ErrorResponseSchema, 'Error'],
];

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isZod(x: unknown): x is z.ZodType {
  return x instanceof z.ZodType;
}

/** Collect routes as they are registered (call before registering the route plugins). */
export function collectRoutes(app: FastifyInstance): CollectedRoute[] {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    // Routes registered without a doc (e.g. by the alerts plugin) are still listed, with a generic entry.
    const doc: RouteDoc | undefined =
      route.config?.doc ??
      (route.url.startsWith('/api/')
        ? {
            summary: `${[route.method].flat().filter((m) => m !== 'HEAD').join(', ')} ${route.url}`,
            tags: [route.url.split('/')[2] ?? 'api'],
            responses: { 200: { description: 'OK', jsonSchema: { type: 'object' } } },
          }
        : undefined);
    if (!doc) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      const s = route.schema ?? {};
      routes.push({
        method: method.toLowerCase(),
        url: route.url,
        doc,
        querystring: isZod(s.querystring) ? s.querystring : undefined,
        params: isZod(s.params) ? s.params : undefined,
        body: isZod(s.body) ? s.body : undefined,
      });
    }
  });
  return routes;
}

/** The HTTP methods the collected routes offer for a concrete path (HEAD implied by GET). */
export function methodsForPath(routes: CollectedRoute[]): (path: string) => string[] {
  let compiled: { re: RegExp; method: string }[] | undefined;
  return (path) => {
    compiled ??= routes.map((r) => ({
      re: new RegExp(`^${r.url.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`),
      method: r.method.toUpperCase(),
    }));
    const methods = new Set(compiled.filter((c) => c.re.test(path)).map((c) => c.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods];
  };
}

function clean(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(clean);
  if (schema && typeof schema === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$schema' || k === '$id') continue;
      out[k] = clean(v);
    }
    return out;
  }
  return schema;
}

const inputSchema = (s: z.ZodType) =>
  clean(z.toJSONSchema(s, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' })) as Record<string, unknown>;

export function buildOpenApiDocument(routes: CollectedRoute[], info: { version: string; tokenRequired: boolean }) {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of NAMED_SCHEMAS) registry.add(schema, { id });
  let anon = 0;
  const responseIds = new Map<z.ZodType, string>();
  for (const r of routes) {
    for (const resp of Object.values(r.doc.responses)) {
      if (resp.schema && !registry.has(resp.schema) && !responseIds.has(resp.schema)) {
        const id = `Response${++anon}`;
        registry.add(resp.schema, { id });
        responseIds.set(resp.schema, id);
      }
    }
  }
  const components = z.toJSONSchema(registry, {
    io: 'output',
    target: 'openapi-3.0',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas;
  const ref = (s: z.ZodType) => ({ $ref: `#/components/schemas/${registry.get(s)!.id}` });

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: object[] = [];
    for (const [part, where] of [
      [r.params, 'path'],
      [r.querystring, 'query'],
    ] as const) {
      if (!part) continue;
      const js = inputSchema(part);
      const props = (js.properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = new Set((js.required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries(props)) {
        const { description, ...rest } = schema;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (required.has(name) && !('default' in rest)),
          ...(description ? { description } : {}),
          schema: rest,
        });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(r.doc.responses)) {
      const types = resp.contentType === undefined ? ['application/json'] : [resp.contentType].flat();
      const schema = resp.schema ? ref(resp.schema) : resp.jsonSchema;
      responses[status] = {
        description: resp.description,
        ...(schema || resp.contentType ? { content: Object.fromEntries(types.map((t) => [t, schema ? { schema } : {}])) } : {}),
      };
    }
    const errorResponse = { description: 'Error', content: { 'application/json': { schema: ref(ErrorResponseSchema) } } };
    if (parameters.length || r.doc.requestBody || r.body) responses['400'] ??= { ...errorResponse, description: 'Bad parameter or body' };
    const isWrite = WRITE_METHODS.has(r.method.toUpperCase());
    if (isWrite) responses['401'] ??= { ...errorResponse, description: 'Missing or wrong bearer token (when the server has one)' };
    let requestBody: object | undefined;
    if (r.doc.requestBody) {
      requestBody = {
        required: true,
        content: Object.fromEntries(
          Object.entries(r.doc.requestBody).map(([type, b]) => [
            type,
            { schema: b.schema ? inputSchema(b.schema) : b.jsonSchema ?? {}, ...(b.description ? { description: b.description } : {}) },
          ]),
        ),
      };
    } else if (r.body) {
      requestBody = { required: true, content: { 'application/json': { schema: inputSchema(r.body) } } };
    }
    (paths[path] ??= {})[r.method] = {
      summary: r.doc.summary,
      ...(r.doc.description ? { description: r.doc.description } : {}),
      tags: r.doc.tags,
      operationId: `${r.method}${path.replace(/[{}]/g, '').split('/').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}`,
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
      ...(isWrite ? { security: [{ bearerAuth: [] }] } : {}),
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Frontline API',
      version: info.version,
      description:
        'Conflict events coded as ACLED codes them, with sources and evidence. Errors are JSON {error, message, statusCode}. ' +
        (info.tokenRequired
          ? 'This server requires `Authorization: Bearer <token>` on every write.'
          : 'Writes require `Authorization: Bearer <token>` when the server is started with FRONTLINE_TOKEN.'),
    },
    paths,
    components: {
      schemas: clean(components),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    },
  };
}

export const openApiPlugin =
  (routes: CollectedRoute[], info: { version: string; tokenRequired: boolean }): FastifyPluginAsync =>
  async (app) => {
    let cached: string | undefined;
    app.get(
      '/api/openapi.json',
      {
        config: {
          doc: {
            summary: 'This OpenAPI 3 document',
            tags: ['meta'],
            responses: { 200: { description: 'OpenAPI 3.0 document', jsonSchema: { type: 'object' } } },
          },
        },
      },
      async (_req, reply) => {
        cached ??= JSON.stringify(buildOpenApiDocument(routes, info));
        return reply.type('application/json; charset=utf-8').send(cached);
      },
    );
  };
