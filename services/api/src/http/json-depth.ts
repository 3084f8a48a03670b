import type { RequestHandler } from 'express';
import { ValidationError } from './app-error.js';

/** Deepest nesting a JSON body may have; no route takes more than a few levels. */
const MAX_JSON_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than limit, walked without recursion (a hostile body cannot overflow the stack here). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Refuses a body nested deeper than MAX_JSON_DEPTH before any handler walks it recursively
 * (a merge patch, a schema, a logger): JSON.parse takes thousands of levels, the stack does not.
 */
export const limitJsonDepth: RequestHandler = (req, _res, next) => {
  if (nestsDeeperThan(req.body, MAX_JSON_DEPTH)) {
    next(
      new ValidationError(`invalid request: body: nested more than ${MAX_JSON_DEPTH} levels deep`, [
        { path: '', message: `nested more than ${MAX_JSON_DEPTH} levels deep` },
      ]),
    );
    return;
  }
  next();
};
