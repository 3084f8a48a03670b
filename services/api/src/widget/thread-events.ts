import type { ThreadChange } from '#shared/redis.js';

/** One open live-update stream: how a frame is written to it, and how it is ended. */
export interface StreamListener {
  /** Writes an event-stream frame (an event or a heartbeat), already serialised. */
  send(frame: string): void;
  close(): void;
}

/** What a stream's frames are written to: an HTTP/1 response or an HTTP/2 stream. */
export interface FrameSink {
  readonly destroyed: boolean;
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * Writes a stream's frames without letting a client that stops reading grow its send buffer past
 * the socket's high-water mark. A frame only says "re-read" (or is a heartbeat), so while a write
 * waits for the client, each later frame is kept once (the same frame twice is one) and written
 * when the client has taken the first: a stream holds at most a few frames however busy its post.
 */
export class FrameWriter<S extends FrameSink = FrameSink> {
  private held: string[] | null = null;

  constructor(protected readonly out: S) {}

  send(frame: string): void {
    if (this.out.destroyed) return;
    if (this.held) {
      if (!this.held.includes(frame)) this.held.push(frame);
      return;
    }
    if (this.out.write(frame)) return;
    this.held = [];
    this.out.once('drain', () => {
      const held = this.held ?? [];
      this.held = null;
      for (const f of held) this.send(f);
    });
  }
}

/** The frame of a change, serialised once for every stream of the post. */
export const changeFrame = (change: ThreadChange): string =>
  `event: ${change.post ? 'post' : 'comments'}\ndata: ${JSON.stringify({ siteId: change.siteId, postId: change.postId })}\n\n`;
const HEARTBEAT = ': ping\n\n';

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
  /** Ends every stream (shutdown: open streams would otherwise keep the process draining) and the heartbeat. */
  closeAll(): void;
}

/**
 * One timer for the whole process sends the heartbeat to every open stream (not one timer per
 * stream: tens of thousands of idle readers would each hold one).
 */
export function createThreadEvents(o: { heartbeatMs: number }): ThreadEvents {
  const byPost = new Map<string, Set<StreamListener>>();
  const byIp = new Map<string, number>();
  let open = 0;
  const key = (siteId: string, postId: string) => `${siteId}\n${postId}`;
  const heartbeat = setInterval(() => {
    for (const set of byPost.values()) for (const l of set) l.send(HEARTBEAT);
  }, o.heartbeatMs);
  heartbeat.unref();
  return {
    publish(change) {
      const set = byPost.get(key(change.siteId, change.postId));
      if (!set) return;
      const frame = changeFrame(change);
      for (const l of set) l.send(frame);
    },
    publishAll() {
      for (const [k, set] of byPost) {
        const [siteId = '', postId = ''] = k.split('\n');
        const frame = changeFrame({ siteId, postId, post: true });
        for (const l of set) l.send(frame);
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
      clearInterval(heartbeat);
      for (const set of [...byPost.values()]) for (const l of [...set]) l.close();
    },
  };
}
