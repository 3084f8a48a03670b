import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { v7 } from 'uuid';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/pool.js';
import {
  applyStaged,
  createStaging,
  stagePosts,
  stageThreads,
  type ImportCounts,
  type StagedPost,
  type StagedThread,
} from './store.js';
import { MAX_BODY_LENGTH } from '#shared/contract.js';
import { normalizeLine, normalizeName } from '#shared/text.js';
import { parseDisqus, type DisqusPost, type DisqusThread } from './parse.js';
import { htmlToText } from './html-to-text.js';

const POST_ID_RE = /^[A-Za-z0-9._~-]{1,200}$/;
const BATCH = 500;

export interface ImportReport extends Omit<ImportCounts, 'touchedPosts'> {
  threads: number;
  comments: number;
}

function when(s: string): Date | null {
  const d = new Date(s);
  return s && !Number.isNaN(d.getTime()) ? d : null;
}

/** Disqus thread → our post: its identifier when it is a valid post id, else `disqus-<thread id>`. */
function toThread(t: DisqusThread): StagedThread | null {
  if (!t.dsqId) return null;
  const postId = POST_ID_RE.test(t.identifier) ? t.identifier : `disqus-${t.dsqId}`;
  let url = '';
  try {
    const u = new URL(t.link);
    if (u.protocol === 'http:' || u.protocol === 'https:') url = u.toString();
  } catch {
    /* no usable link */
  }
  const title = [...normalizeLine(t.title)].slice(0, 500).join('') || postId;
  return { dsqId: t.dsqId, postId, title, url, createdAt: when(t.createdAt) ?? new Date(0), closed: t.closed };
}

/**
 * A Disqus author → a stable identity key (username, else email, else the guest's name) and a
 * display name. Imported readers are unverified: nobody can sign in as them.
 */
function author(p: DisqusPost): { key: string; name: string; email: string | null } {
  const a = p.author;
  const email = a.email?.includes('@') ? a.email.toLowerCase().slice(0, 254) : null;
  const key =
    a.username && !a.anonymous
      ? `u:${a.username}`
      : email
        ? `e:${createHash('sha256').update(email).digest('hex')}`
        : `n:${normalizeName(a.name).toLowerCase() || 'anonymous'}`;
  return { key, name: normalizeName(a.name || a.username) || 'Anonymous', email };
}

function toPost(p: DisqusPost): StagedPost | null {
  const createdAt = when(p.createdAt);
  if (!p.dsqId || !p.threadDsqId || !createdAt) return null;
  const a = author(p);
  const body = [...htmlToText(p.message)].slice(0, MAX_BODY_LENGTH).join('');
  return {
    dsqId: p.dsqId,
    newId: v7({ msecs: createdAt.getTime() }),
    threadDsqId: p.threadDsqId,
    parentDsqId: p.parentDsqId,
    body,
    createdAt,
    deleted: p.deleted,
    spam: p.spam,
    authorKey: a.key,
    authorName: a.name,
    authorEmail: a.email,
  };
}

/**
 * Imports a Disqus XML export into a site in one transaction: the file is streamed into staging
 * tables (constant memory, with a progress callback by bytes), then turned into posts, readers
 * and comments. A malformed file rolls everything back, so no thread is ever half imported;
 * running the same export again imports nothing new.
 */
export async function importDisqus(
  db: Pool,
  o: {
    siteId: string;
    file: string;
    onStart?: (totalBytes: number) => void;
    onProgress?: (bytes: number, comments: number) => void;
  },
): Promise<{ report: ImportReport; touchedPosts: string[] }> {
  const { size } = await stat(o.file);
  o.onStart?.(size);
  return withTransaction(db, async (tx) => {
    await tx.query('SET LOCAL statement_timeout = 0');
    await createStaging(tx);
    let threads: StagedThread[] = [];
    let posts: StagedPost[] = [];
    let threadCount = 0;
    let commentCount = 0;
    let stagedCount = 0;
    const flush = async (all: boolean) => {
      if (threads.length >= BATCH || (all && threads.length > 0)) {
        await stageThreads(tx, threads);
        threads = [];
      }
      if (posts.length >= BATCH || (all && posts.length > 0)) {
        await stagePosts(tx, posts);
        posts = [];
      }
    };
    await parseDisqus(createReadStream(o.file, { encoding: 'utf8', highWaterMark: 256 * 1024 }), {
      onThread: (t) => {
        const staged = toThread(t);
        if (staged) {
          threads.push(staged);
          threadCount++;
        }
      },
      onPost: (p) => {
        commentCount++;
        const staged = toPost(p);
        if (staged) {
          posts.push(staged);
          stagedCount++;
        }
      },
      afterChunk: () => flush(false),
      onProgress: (bytes) => o.onProgress?.(bytes, commentCount),
    });
    await flush(true);
    const { touchedPosts, ...counts } = await applyStaged(tx, o.siteId);
    // Comments without a thread, an id or a date never reached staging: skipped too.
    counts.skipped += commentCount - stagedCount;
    return { report: { threads: threadCount, comments: commentCount, ...counts }, touchedPosts };
  });
}
