import { LRUCache } from 'lru-cache';
import { createWordMatcher, type WordMatcher } from '../text/word-matcher.js';
import type { CommentStatus } from '#shared/domain.js';
import type { Phase } from './types.js';

/**
 * One compiled matcher per site and list, rebuilt when the site's settings version changes.
 * Building takes milliseconds for thousands of words; matching is per comment.
 */
const cache = new LRUCache<string, { version: number; words: readonly string[]; matcher: WordMatcher }>({ max: 2000 });

const sameWords = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((w, i) => w === b[i]);

export function siteWordMatcher(
  siteId: string,
  list: 'banned' | 'suspect',
  version: number,
  words: readonly string[],
): WordMatcher {
  const key = `${siteId}\u0000${list}`;
  const hit = cache.get(key);
  // The version alone would do in production; comparing the words too costs microseconds and
  // never serves a stale list (settings edited by hand in the database keep their version).
  if (hit && hit.version === version && sameWords(hit.words, words)) return hit.matcher;
  const matcher = createWordMatcher(words);
  cache.set(key, { version, words: [...words], matcher });
  return matcher;
}

/** A phase that gives `status` to comments containing an entry of one of the site's word lists, with spans. */
export function wordListPhase(list: 'banned' | 'suspect', status: CommentStatus, rule: string): Phase {
  return ({ comment, settings, settingsVersion }) => {
    const words = list === 'banned' ? settings.bannedWords : settings.suspectWords;
    if (words.length === 0) return undefined;
    const found = siteWordMatcher(comment.siteId, list, settingsVersion, words).match(comment.body);
    if (found.length === 0) return undefined;
    return {
      status,
      reasons: found.map((m) => ({
        rule,
        detail: `contains the ${list} word "${m.word}"`,
        span: { start: m.start, end: m.end, text: comment.body.slice(m.start, m.end) },
      })),
    };
  };
}
