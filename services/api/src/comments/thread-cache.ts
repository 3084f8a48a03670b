import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** A serialized thread page, ready to send, with its validator. */
export interface CachedPage {
  body: Buffer;
  etag: string;
}

export interface ThreadCache {
  /** The page for key, from memory or from load(); hit tells which. */
  get(
    siteId: string,
    postId: string,
    variant: string,
    load: () => Promise<string>,
  ): Promise<{ page: CachedPage; hit: boolean }>;
  /** The page for key if it is in memory now; never loads (the fast path of cached reads). */
  peek(siteId: string, postId: string, variant: string): CachedPage | undefined;
  /** Drops every cached page of a post (its approved comments changed). */
  invalidate(siteId: string, postId: string): void;
  /** Drops every cached page of a site's posts (its settings changed, which every page shows). */
  invalidateSite(siteId: string): void;
  /** Drops everything (after losing the invalidation feed, messages may have been missed). */
  clear(): void;
}

/**
 * Per-process cache of serialized thread pages. Correct with many API processes because every
 * change is announced on Redis pub/sub (see thread-invalidation.ts) and the TTL bounds staleness
 * if an announcement is lost. A page loaded while an invalidation arrived is not stored.
 */
export function createThreadCache(opts: {
  ttlMs: number;
  maxEntries: number;
  /** The pages' bytes held at most (a long thread's page can be megabytes); a page larger than this is not kept. */
  maxBytes?: number;
}): ThreadCache {
  const enabled = opts.ttlMs > 0 && opts.maxEntries > 0;
  // Keys of each post's cached pages, so an invalidation touches only that post's entries.
  const byPost = new Map<string, Set<string>>();
  const pages = new LRUCache<string, CachedPage & { postKey: string }>({
    max: Math.max(1, opts.maxEntries),
    ...(opts.maxBytes ? { maxSize: opts.maxBytes, sizeCalculation: (page) => Math.max(1, page.body.length) } : {}),
    ttl: Math.max(1, opts.ttlMs),
    dispose: (page, key) => {
      const keys = byPost.get(page.postKey);
      keys?.delete(key);
      if (keys?.size === 0) byPost.delete(page.postKey);
    },
  });
  // Loads under way, by page key. An invalidation marks its post's loads stale and forgets them,
  // so later requests start a fresh load and a stale result is never stored.
  interface Flight {
    promise: Promise<CachedPage>;
    postKey: string;
    stale: boolean;
  }
  const inflight = new Map<string, Flight>();

  /** Marks the loads under way of the posts `matches` names stale, and forgets them. */
  const dropLoads = (matches: (postKey: string) => boolean) => {
    for (const [key, flight] of inflight) {
      if (!matches(flight.postKey)) continue;
      flight.stale = true;
      inflight.delete(key);
    }
  };
  const dropPages = (postKey: string) => {
    for (const key of [...(byPost.get(postKey) ?? [])]) pages.delete(key);
  };

  const toPage = (json: string): CachedPage => {
    const body = Buffer.from(json);
    return { body, etag: `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
  };

  return {
    async get(siteId, postId, variant, load) {
      if (!enabled) return { page: toPage(await load()), hit: false };
      const postKey = `${siteId}\n${postId}`;
      const key = `${postKey}\n${variant}`;
      const cached = pages.get(key);
      if (cached) return { page: cached, hit: true };
      let flight = inflight.get(key);
      if (!flight) {
        const started: Flight = { promise: load().then(toPage), postKey, stale: false };
        flight = started;
        inflight.set(key, started);
        started.promise
          .then(
            (page) => {
              if (started.stale) return;
              pages.set(key, { ...page, postKey });
              // Not kept (larger than the byte budget): nothing to find at invalidation.
              if (!pages.has(key)) return;
              let keys = byPost.get(postKey);
              if (!keys) byPost.set(postKey, (keys = new Set()));
              keys.add(key);
            },
            () => undefined,
          )
          .finally(() => {
            if (inflight.get(key) === started) inflight.delete(key);
          });
      }
      return { page: await flight.promise, hit: false };
    },
    peek(siteId, postId, variant) {
      return enabled ? pages.get(`${siteId}\n${postId}\n${variant}`) : undefined;
    },
    invalidate(siteId, postId) {
      const postKey = `${siteId}\n${postId}`;
      dropLoads((k) => k === postKey);
      dropPages(postKey);
    },
    invalidateSite(siteId) {
      const prefix = `${siteId}\n`;
      dropLoads((k) => k.startsWith(prefix));
      for (const postKey of [...byPost.keys()]) if (postKey.startsWith(prefix)) dropPages(postKey);
    },
    clear() {
      for (const flight of inflight.values()) flight.stale = true;
      inflight.clear();
      pages.clear();
      byPost.clear();
    },
  };
}
