import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './app-error.js';
import type { Logger } from '#shared/logger.js';

// body-parser's error types, mapped to our codes.
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'invalid_json', 'request body is not valid JSON'],
  'entity.too.large': [413, 'payload_too_large', 'request body is too large'],
  'encoding.unsupported': [415, 'unsupported_media_type', 'unsupported content encoding'],
  'charset.unsupported': [415, 'unsupported_media_type', 'unsupported charset'],
  'request.aborted': [400, 'request_aborted', 'request was aborted'],
  'request.size.invalid': [400, 'bad_request', 'request size did not match content length'],
  'stream.encoding.set': [400, 'bad_request', 'bad request stream'],
  'parameters.too.many': [413, 'payload_too_large', 'too many parameters'],
};

// Postgres refusing a value a client sent (a NUL byte, an over-long index entry, a date that does not exist): a
// client error.
const PG_INPUT_ERRORS = new Set(['22021', '22P05', '22001', '54000', '22P02', '22007', '22008']);
// Postgres ending a transaction for another's sake (deadlock, serialization failure): the client may retry as it is.
const PG_RETRYABLE = new Set(['40P01', '40001']);

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new AppError('not_found', 404, 'no such endpoint'));
};

/** The one place errors become HTTP: `{ "error": { "code", "message", "details"? } }`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let body: { code: string; message: string; details?: unknown } = { code: 'internal', message: 'internal error' };
    if (err instanceof AppError) {
      status = err.status;
      body = { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
      for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
    } else if (typeof err?.type === 'string' && BODY_ERRORS[err.type]) {
      const [s, code, message] = BODY_ERRORS[err.type]!;
      status = s;
      body = { code, message };
    } else if (typeof err?.code === 'string' && PG_INPUT_ERRORS.has(err.code)) {
      status = 400;
      body = { code: 'invalid_text', message: 'the request holds text that cannot be stored' };
      (req.log ?? logger).warn({ err, reqId: req.id }, 'input refused by the database');
    } else if (typeof err?.code === 'string' && PG_RETRYABLE.has(err.code)) {
      // Two requests took the same rows in opposite orders (or a snapshot went stale): nothing was written, and the
      // same request again goes through.
      status = 503;
      body = { code: 'busy', message: 'the request met a concurrent change; retry it' };
      res.setHeader('Retry-After', '1');
      (req.log ?? logger).warn({ err, reqId: req.id }, 'transaction aborted by a concurrent one');
    } else if (Number.isInteger(err?.status) && err.status >= 400 && err.status < 500) {
      // Other client errors raised by Express internals (e.g. a malformed URI).
      status = err.status;
      body = { code: 'bad_request', message: 'bad request' };
    }
    if (status >= 500) {
      (req.log ?? logger).error({ err, reqId: req.id }, 'unhandled error');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json({ error: body });
  };
}
