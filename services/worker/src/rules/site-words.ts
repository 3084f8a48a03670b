import { LRUCache } from 'lru-cache';
import { createWordMatcher, type WordMatcher } from '../scorers/word-matcher.js';

/**
 * One compiled matcher per site and list, rebuilt when the site's settings version changes.
 * Building takes milliseconds for thousands of words; matching is per comment.
 */
const cache = new LRUCache<string, { version: number; words: readonly string[]; matcher: WordMatcher }>({ max: 2000 });

const sameWords = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

export function siteWordMatcher(siteId: string, list: 'banned' | 'suspect', version: number, words: readonly string[]): WordMatcher {
  const key = `${siteId}\u0000${list}`;
  const hit = cache.get(key);
  // The version alone would do in production; comparing the words too costs microseconds and
  // never serves a stale list (settings edited by hand in the database keep their version).
  if (hit && hit.version === version && sameWords(hit.words, words)) return hit.matcher;
  const matcher = createWordMatcher(words);
  cache.set(key, { version, words: [...words], matcher });
  return matcher;
}
