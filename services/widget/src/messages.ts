import { ApiError, type CommentStatus } from './api.js';
import type { Key, Lang, Translate } from './i18n.js';

/** What a reader is told when the API refuses something they did. */
export function errorText(t: Translate, err: unknown): string {
  if (!(err instanceof ApiError)) return t('err_generic');
  if (err.status === 0) return t('err_network');
  if (err.code === 'rate_limited') return t('err_rate_limited', { n: err.retryAfter ?? 60 });
  const known: Record<string, Key> = {
    post_closed: 'err_post_closed',
    invalid_parent: 'err_invalid_parent',
    user_banned: 'err_user_banned',
    unauthorized: 'err_unauthorized',
  };
  const key = known[err.code];
  if (key) return t(key);
  // Validation messages name the problem with the text itself; anything else stays generic.
  return err.status === 400 || err.status === 422 ? err.message : t('err_generic');
}

const BY_CATEGORY: Record<string, Key> = {
  abusive_language: 'why_toxicity',
  banned_word: 'why_banned_word',
  link_not_allowed: 'why_links',
  account_restricted: 'why_author',
  repeat: 'why_repeat',
  too_long: 'why_too_long',
  empty: 'why_empty',
  removed_by_moderator: 'why_removed',
  not_published: 'why_default',
};

/**
 * Why the reader's comment was not published: the server's sentence (it speaks English) or, in
 * another language, ours for its category; a generic sentence when neither is there.
 */
export function reasonText(t: Translate, lang: Lang, s: CommentStatus): string {
  const r = s.reason;
  const key = r?.category ? BY_CATEGORY[r.category] : undefined;
  const message = typeof r?.message === 'string' ? r.message.trim() : '';
  if (message && (lang === 'en' || !key)) return message;
  return t(key ?? 'why_default');
}
