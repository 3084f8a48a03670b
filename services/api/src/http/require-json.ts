import type { RequestHandler } from 'express';
import { AppError } from './app-error.js';

/** Requests that carry a body must say it is JSON; anything else is a 415 before parsing. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    next(new AppError('unsupported_media_type', 415, 'request body must be application/json'));
    return;
  }
  next();
};
