import type { Request } from 'express';
import type { ApiDeps } from '../deps.js';
import { AppError, NotFoundError, RateLimitedError } from '../http/app-error.js';
import { crossOrigin, originRefusal } from './cors.js';
import { clientKey } from '../http/client-key.js';

/** The answer when the process holds `SSE_MAX_STREAMS` streams already. */
export const tooManyStreams = (): AppError =>
  new AppError('unavailable', 503, 'too many live streams on this server; retry later', undefined, {
    'Retry-After': '30',
  });

export type Admission =
  /** Admitted: the stream's slot is reserved; `release()` it once the stream is registered or abandoned. */
  | { ok: true; ip: string; origin: string | null; release: () => void }
  /** Refused with what the app would answer; `originRefused`: the Origin itself was (CORS headers differ). */
  | { ok: false; refusal: AppError; origin: string | null; originRefused: boolean };

/**
 * The checks a live-update stream passes before it opens, in the order the app applies them (its CORS
 * middleware runs before the route): the site's registered origins, then `SSE_MAX_STREAMS` and
 * `SSE_MAX_PER_IP` by the address `TRUST_PROXY` gives (an IPv6 /64 as one), then the post. The slot is counted in the same
 * turn as the limit check, before the post is looked up, so a burst cannot pass the limits together.
 * Shared by the streams opened before the app (live-streams-first.ts, which leaves any refusal to the
 * app's route) and the h2c listener (live-streams-h2c.ts, which answers it). Throws when the origins or
 * the post cannot be read; no slot is kept then.
 */
export async function admitLiveStream(
  deps: Pick<ApiDeps, 'config' | 'lookups' | 'threadEvents' | 'siteOrigins'>,
  req: Request,
  siteId: string,
  postId: string,
): Promise<Admission> {
  const { config, threadEvents: hub } = deps;
  const origin = crossOrigin(req);
  if (origin !== null) {
    const refusal = await originRefusal(deps.siteOrigins, origin, siteId);
    if (refusal) return { ok: false, refusal, origin, originRefused: true };
  }
  // Counted by clientKey: one subscriber's IPv6 /64 is one address.
  const ip = clientKey(req.ip);
  const refuse = (refusal: AppError): Admission => ({ ok: false, refusal, origin, originRefused: false });
  if (hub.openCount() >= config.SSE_MAX_STREAMS) return refuse(tooManyStreams());
  if (hub.openCount(ip) >= config.SSE_MAX_PER_IP) return refuse(new RateLimitedError(30));
  const release = hub.reserve(ip);
  let found: boolean;
  try {
    found = (await deps.lookups.post(siteId, postId)) !== null;
  } catch (err) {
    release();
    throw err;
  }
  if (!found) {
    release();
    return refuse(new NotFoundError('post'));
  }
  return { ok: true, ip, origin, release };
}
