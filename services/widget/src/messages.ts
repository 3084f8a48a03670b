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

/** Where the embed is: what the developer of the publisher's page is told a load failure means. */
export interface EmbedPlace {
  base: string;
  siteId: string;
  postId: string;
}

/**
 * For the developer of the publisher's page (the console): what is wrong with the embed and how to
 * fix it. `setup` says whether it is a configuration mistake (trying again will not help).
 */
export function loadProblem(err: unknown, p: EmbedPlace): { setup: boolean; text: string } {
  const site = `site '${p.siteId}'`;
  if (!p.siteId) return { setup: true, text: 'data-site is missing on the embed element' };
  if (!p.postId) return { setup: true, text: 'data-post is missing on the embed element' };
  if (!(err instanceof ApiError)) return { setup: false, text: String(err) };
  if (err.status === 0)
    return {
      setup: false,
      text: `the comment service at ${p.base} could not be reached — check that it is running and that embed.js (or data-api) points to it`,
    };
  const setup: Record<string, string> = {
    site_not_found: `${site} does not exist — check data-site, or create the site with sites:create`,
    origin_not_allowed: `this page's origin ${location.origin} is not registered for ${site} — add it with sites:create --id ${p.siteId} --origin ${location.origin} (listing the site's other origins too)`,
    auto_create_disabled: `post '${p.postId}' does not exist on ${site}, which does not create posts on first load — create it through the publisher API`,
    url_not_allowed: `this page's address is not on one of the origins of ${site}: ${err.message}`,
  };
  const known = setup[err.code];
  if (known) return { setup: true, text: known };
  if (err.status === 400) return { setup: true, text: `data-site or data-post is not valid: ${err.message}` };
  return { setup: err.status < 500 && err.status !== 429, text: `${err.status} ${err.code}: ${err.message}` };
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
