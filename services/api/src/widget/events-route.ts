import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { postIdSchema, siteIdSchema } from '#shared/schemas.js';
import { AppError, NotFoundError, RateLimitedError } from '../http/app-error.js';

export const eventParams = z.object({ siteId: siteIdSchema, postId: postIdSchema });

/** The stream's own headers (after the middleware's), as a flat list. */
export const EVENTS_HEADERS = [
  'Content-Type',
  'text/event-stream; charset=utf-8',
  'Cache-Control',
  'no-cache, no-transform',
  'X-Accel-Buffering',
  'no',
];
/** Reconnect after 5 s if the stream drops; an opening comment lets clients see it is live. */
export const OPENING = 'retry: 5000\n: live\n\n';

/** The answer when the process holds `SSE_MAX_STREAMS` streams already. */
export const tooManyStreams = (): AppError =>
  new AppError('unavailable', 503, 'too many live streams on this server; retry later', undefined, {
    'Retry-After': '30',
  });

/**
 * `GET /sites/:siteId/posts/:postId/events`: a server-sent event stream telling the widget
 * that the post's approved comments (`comments`) or the post itself (`post`) changed. Events
 * carry no comment data; the widget re-reads the first page (cheap: cached, ETag). Fed by the
 * process's one Redis subscription; heartbeats (one timer for all streams) keep proxies from closing an idle stream.
 * The API server opens most streams before Express (live-streams-first.ts), with the same checks and
 * headers; this route answers what that path steps aside for, refusals included.
 */
export function liveEvents(deps: Pick<ApiDeps, 'config' | 'lookups' | 'threadEvents'>) {
  return async (req: Request, res: Response): Promise<void> => {
    const { siteId, postId } = parse(eventParams, req.params, 'path');
    const ip = req.ip ?? 'unknown';
    const { threadEvents: hub, config } = deps;
    if (hub.openCount() >= config.SSE_MAX_STREAMS) throw tooManyStreams();
    if (hub.openCount(ip) >= config.SSE_MAX_PER_IP) throw new RateLimitedError(30);
    // Counted before the first await: checked-then-counted-later lets a burst of requests all pass the limit.
    const release = hub.reserve(ip);
    try {
      if (!(await deps.lookups.post(siteId, postId))) throw new NotFoundError('post');
    } catch (err) {
      release();
      throw err;
    }
    // The client went while the post was looked up: its 'close' has passed, so nothing would remove the stream.
    if (res.destroyed) {
      release();
      return;
    }

    res.status(200);
    for (let i = 0; i < EVENTS_HEADERS.length; i += 2) res.setHeader(EVENTS_HEADERS[i]!, EVENTS_HEADERS[i + 1]!);
    res.flushHeaders();
    res.write(OPENING);

    // The stream's own registration counts it from here on; the hub sends it heartbeats and changes.
    release();
    const remove = hub.add(siteId, postId, ip, {
      send: (frame) => {
        res.write(frame);
      },
      close: () => res.end(),
    });
    res.once('close', remove);
  };
}
