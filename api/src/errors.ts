// Every error the API answers is `{error: {code, message, details?}}` with a fitting status.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { StoreUnavailableError } from '@omnilisp/worker';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Redis being unreachable surfaces as ioredis errors; the queue is then unavailable (503). */
function isRedisDown(e: Error): boolean {
  return /Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|max retries per request/i.test(`${e.name} ${e.message}`);
}

/** Turns any error into the API's error body; unexpected ones are logged and answered 500. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof z.ZodError) {
    const details = e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return new ApiError(400, 'invalid_request', details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; '), details);
  }
  const err = e as Error & { type?: string; status?: number };
  if (err.type === 'entity.too.large') return new ApiError(413, 'payload_too_large', 'the request body is larger than the configured limit');
  if (err.type === 'entity.parse.failed') return new ApiError(400, 'invalid_json', `the body is not valid JSON: ${err.message}`);
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') return new ApiError(415, 'unsupported_media_type', err.message);
  if (e instanceof StoreUnavailableError) return new ApiError(503, 'store_unavailable', 'the artifact store is unavailable; try again', undefined, { 'Retry-After': '2' });
  if (err instanceof Error && isRedisDown(err)) return new ApiError(503, 'queue_unavailable', 'the job queue (Redis) is unavailable; try again', undefined, { 'Retry-After': '2' });
  // other client errors raised by express itself (a path parameter that is not valid percent-encoding, an aborted body)
  if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) return new ApiError(400, 'invalid_request', err.message);
  return new ApiError(500, 'internal', 'internal error');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (e, _req, res, _next) => {
    const api = toApiError(e);
    if (api.status >= 500) logger.error({ err: e }, api.message);
    res.status(api.status).set(api.headers).json({ error: { code: api.code, message: api.message, ...(api.details === undefined ? {} : { details: api.details }) } });
  };
}

export const notFound: RequestHandler = (req, _res, next) => next(new ApiError(404, 'not_found', `no route ${req.method} ${req.path}`));
