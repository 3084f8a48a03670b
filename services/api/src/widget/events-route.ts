import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { postIdSchema, siteIdSchema } from '#shared/schemas.js';
import { admitLiveStream } from './stream-admission.js';
import { FrameWriter } from './thread-events.js';

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
/**
 * A stream's first frame: when to reconnect if it drops, and a comment that lets clients see it is live. The delay is
 * drawn per stream from 3–9 s, so the readers of an API process that restarts come back over six seconds rather
 * than all in the same one.
 */
export const opening = (): string => `retry: ${3000 + Math.floor(Math.random() * 6000)}\n: live\n\n`;

/**
 * `GET /sites/:siteId/posts/:postId/events`: a server-sent event stream telling the widget
 * that the post's approved comments (`comments`) or the post itself (`post`) changed. Events
 * carry no comment data; the widget re-reads the first page (cheap: cached, ETag). Fed by the
 * process's one Redis subscription; heartbeats (one timer for all streams) keep proxies from closing an idle stream.
 * The API server opens most streams before Express (live-streams-first.ts), with the same checks and
 * headers; this route answers what that path steps aside for, refusals included.
 */
export function liveEvents(deps: Pick<ApiDeps, 'config' | 'lookups' | 'threadEvents' | 'siteOrigins'>) {
  return async (req: Request, res: Response): Promise<void> => {
    const { siteId, postId } = parse(eventParams, req.params, 'path');
    // The CORS middleware has let the Origin through already; the same checks keep every path in step.
    const admission = await admitLiveStream(deps, req, siteId, postId);
    if (!admission.ok) throw admission.refusal;
    // The client went while the post was looked up: its 'close' has passed, so nothing would remove the stream.
    if (res.destroyed) {
      admission.release();
      return;
    }

    res.status(200);
    for (let i = 0; i < EVENTS_HEADERS.length; i += 2) res.setHeader(EVENTS_HEADERS[i]!, EVENTS_HEADERS[i + 1]!);
    res.flushHeaders();
    res.write(opening());

    // The stream's own registration counts it from here on; the hub sends it heartbeats and changes.
    admission.release();
    const writer = new FrameWriter(res);
    const remove = deps.threadEvents.add(siteId, postId, admission.ip, {
      send: (frame) => writer.send(frame),
      close: () => res.end(),
    });
    res.once('close', remove);
  };
}
