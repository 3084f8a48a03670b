import type { RequestHandler } from 'express';
import { AppError } from './app-error.js';

/** The JSON Merge Patch media type (RFC 7396), which every PATCH here implements. */
export const MERGE_PATCH = 'application/merge-patch+json';

/** Requests that carry a body must say it is JSON (a PATCH may say merge-patch); anything else is a 415 before parsing. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json') && !(req.method === 'PATCH' && req.is(MERGE_PATCH))) {
    next(
      new AppError(
        'unsupported_media_type',
        415,
        `request body must be application/json (a PATCH may also be ${MERGE_PATCH})`,
      ),
    );
    return;
  }
  next();
};
