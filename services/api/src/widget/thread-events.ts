import type { ThreadChange } from '#shared/redis.js';

/** One open live-update stream: what it does on a change of its post, and how it is ended. */
export interface StreamListener {
  onChange(change: ThreadChange): void;
  close(): void;
}

/**
 * Fans the API process's one Redis subscription out to the live-update streams of each post,
 * and counts open streams (per IP and in all) so the route can refuse beyond its limits.
 */
export interface ThreadEvents {
  /** Delivers a change to the streams of its post. */
  publish(change: ThreadChange): void;
  /** Delivers a change to every stream (after a reconnect, when announcements may have been missed). */
  publishAll(): void;
  /** Registers a stream; returns the function that removes it. */
  add(siteId: string, postId: string, ip: string, listener: StreamListener): () => void;
  /**
   * Counts a stream that is about to open (in all and for its IP) before the route awaits anything, so
   * a burst of requests cannot all pass the limit check; returns the function that gives the slot back.
   */
  reserve(ip: string): () => void;
  /** Streams open in this process, and from one IP. */
  openCount(ip?: string): number;
  /** Ends every stream (shutdown: open streams would otherwise keep the process draining). */
  closeAll(): void;
}

export function createThreadEvents(): ThreadEvents {
  const byPost = new Map<string, Set<StreamListener>>();
  const byIp = new Map<string, number>();
  let open = 0;
  const key = (siteId: string, postId: string) => `${siteId}\n${postId}`;
  return {
    publish(change) {
      for (const l of byPost.get(key(change.siteId, change.postId)) ?? []) l.onChange(change);
    },
    publishAll() {
      for (const [k, set] of byPost) {
        const [siteId = '', postId = ''] = k.split('\n');
        for (const l of set) l.onChange({ siteId, postId, post: true });
      }
    },
    add(siteId, postId, ip, listener) {
      const k = key(siteId, postId);
      let set = byPost.get(k);
      if (!set) byPost.set(k, (set = new Set()));
      set.add(listener);
      open++;
      byIp.set(ip, (byIp.get(ip) ?? 0) + 1);
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        open--;
        const n = (byIp.get(ip) ?? 1) - 1;
        if (n <= 0) byIp.delete(ip);
        else byIp.set(ip, n);
        set.delete(listener);
        if (set.size === 0 && byPost.get(k) === set) byPost.delete(k);
      };
    },
    reserve(ip) {
      open++;
      byIp.set(ip, (byIp.get(ip) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        open--;
        const n = (byIp.get(ip) ?? 1) - 1;
        if (n <= 0) byIp.delete(ip);
        else byIp.set(ip, n);
      };
    },
    openCount: (ip) => (ip === undefined ? open : (byIp.get(ip) ?? 0)),
    closeAll() {
      for (const set of [...byPost.values()]) for (const l of [...set]) l.close();
    },
  };
}
