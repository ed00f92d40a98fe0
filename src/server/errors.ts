/**
 * JSON errors for the API: one shape ({error, message, statusCode}, ErrorResponseSchema), one place that
 * turns zod issues, fastify errors (body too large, bad JSON, unsupported media type) and store errors
 * into it, and the zod validator compiler the routes use.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ErrorResponse } from '../model/index.js';

/** An error with an HTTP status, thrown by route handlers. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);

export function errorBody(statusCode: number, message: string): ErrorResponse {
  return { error: STATUS_CODES[statusCode] ?? 'Error', message, statusCode };
}

const PART_NAMES: Record<string, string> = {
  querystring: 'query parameter',
  params: 'path parameter',
  body: 'body field',
  headers: 'header',
};

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a repeated parameter';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** One readable sentence per zod issue, naming the parameter and the bad value. */
export function formatZodError(error: z.ZodError, part: string, input?: unknown): string {
  const what = PART_NAMES[part] ?? part;
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => `"${k}"`).join(', ');
        return `unknown ${what}${issue.keys.length > 1 ? 's' : ''} ${keys}`;
      }
      const path = issue.path.map(String).join('.');
      let value: unknown = input;
      for (const p of issue.path) value = value != null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
      const shown = path && value !== undefined ? ` (got ${describeValue(value)})` : '';
      let message = issue.message;
      if (issue.code === 'invalid_value' && 'values' in issue) {
        message = `must be one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      } else if (issue.code === 'invalid_type' && value === undefined) {
        message = 'required';
      } else if (issue.code === 'invalid_type' && Array.isArray(value) && issue.expected !== 'array') {
        return `${what} "${path}": given more than once; pass one value`;
      }
      message = message.replace(/^(Too big|Too small|Invalid input|Invalid string): /, '');
      return path ? `${what} "${path}": ${message.replace(/^Invalid input: /, '')}${shown}` : message;
    })
    .join('; ');
}

/**
 * Fastify validator compiler for zod schemas: validates and replaces the request part with the parsed
 * (coerced, defaulted) value; errors carry status 400 and a readable message.
 */
export function zodValidatorCompiler({ schema, httpPart }: { schema: unknown; httpPart?: string }) {
  const zodSchema = schema as z.ZodType;
  return (data: unknown) => {
    if (httpPart === 'body' && data == null) {
      return { error: new HttpError(400, 'request body is missing; send a JSON object with Content-Type: application/json') };
    }
    const result = zodSchema.safeParse(data ?? {});
    if (result.success) return { value: result.data };
    return { error: new HttpError(400, formatZodError(result.error, httpPart ?? 'input', data)) };
  };
}

/** Parse with a zod schema or throw a 400 naming the bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, data: unknown, part: string): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw badRequest(formatZodError(result.error, part, data));
  return result.data;
}

/**
 * The error handler for the whole app: every error becomes {error, message, statusCode}. Server errors
 * (5xx) are logged with their stack and answered with a generic message; without a request logger they
 * still go to stderr, so a failure is never silent.
 */
export function installErrorHandlers(app: FastifyInstance, opts: { logToStderr: boolean }): void {
  app.setErrorHandler((err: FastifyError | HttpError | Error, request: FastifyRequest, reply: FastifyReply) => {
    let status = (err as { statusCode?: number }).statusCode ?? 500;
    if (!Number.isInteger(status) || status < 400 || status > 599) status = 500;
    let message = err.message;
    const code = (err as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      message = `request body is larger than the limit of ${app.initialConfig.bodyLimit} bytes`;
    } else if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      message = `unsupported content type ${JSON.stringify(request.headers['content-type'] ?? '')}; send application/json, text/plain or text/html`;
    } else if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      message = 'request body is empty; send a JSON object';
    } else if (err instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      status = 400;
      message = `request body is not valid JSON: ${err.message}`;
    } else if (code === 'FST_ERR_VALIDATION' && (err as FastifyError).validation) {
      message = err.message;
    }
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      if (opts.logToStderr) console.error(`frontline: ${request.method} ${request.url.slice(0, 300)} failed:`, err);
      message = 'internal error; see the server log';
    }
    if (reply.sent || reply.raw.headersSent) return;
    reply.code(status).type('application/json; charset=utf-8').send(errorBody(status, message));
  });
}
