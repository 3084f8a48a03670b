import { h, plainBody, sanitizedBody } from './dom.js';
import type { Lang, Translate } from './i18n.js';
import { plural } from './i18n.js';
import type { SiteRules, ThreadComment } from './api.js';
import type { timeTexts } from './time.js';

/** How deep replies nest before they are shown flat with "replying to Name" (as the API places them). */
export const MAX_DEPTH = 3;

export interface ViewContext {
  t: Translate;
  lang: Lang;
  time: ReturnType<typeof timeTexts>;
  /** The signed-in reader's id, so readers are not offered to report themselves. */
  userId(): string | null;
  reply(c: ThreadComment, li: HTMLLIElement, depth: number, button: HTMLButtonElement): void;
  report(c: ThreadComment, li: HTMLLIElement, button: HTMLButtonElement): void;
  /** A notice of illegal content (DSA), signed in or not. */
  notice(c: ThreadComment, li: HTMLLIElement, button: HTMLButtonElement): void;
  moreReplies(c: ThreadComment, li: HTMLLIElement, depth: number, button: HTMLButtonElement): void;
  /** Whether the signed-in reader muted this author. */
  muted(authorId: string): boolean;
  mute(c: ThreadComment): void;
  /** What the site lets readers do (reactions, the edit window), from the thread. */
  rules(): SiteRules | null;
  /** The signed-in reader's reaction to a comment. */
  mine(id: string): string | null;
  react(c: ThreadComment, kind: string, button: HTMLButtonElement): void;
  edit(c: ThreadComment, li: HTMLLIElement, button: HTMLButtonElement): void;
  remove(c: ThreadComment, li: HTMLLIElement, button: HTMLButtonElement): void;
}

/** A comment as the thread shows it; `pending` ones are the reader's own, not yet reviewed. */
export interface ViewComment extends ThreadComment {
  pending?: boolean;
}

export function timeEl(ctx: ViewContext, iso: string): HTMLTimeElement {
  return h('time', { datetime: iso, title: ctx.time.full(iso) }, ctx.time.relative(iso));
}

/** One comment with its replies (nested up to MAX_DEPTH), everything user-written as text or sanitized HTML. */
export function renderComment(ctx: ViewContext, c: ViewComment, depth: number): HTMLLIElement {
  const { t } = ctx;
  const headingId = `c-h-${c.id}`;
  if (c.removed) return renderPlaceholder(ctx, c, depth);
  const li = h('li', {
    class: `comment${c.pending ? ' pending' : ''}`,
    'data-id': c.id,
    'data-depth': depth,
    'data-author': c.author.id,
  });
  const body = h('div', { class: 'body' });
  body.append(c.pending ? plainBody(c.body) : sanitizedBody(c.bodyHtml));
  const meta = h(
    'div',
    { class: 'meta', id: headingId },
    h('span', { class: 'author' }, c.author.name),
    // The role comes from the server's account record, so a reader named "Moderator" gets no badge.
    c.author.role ? h('span', { class: 'badge staff', title: t('staffBadge') }, t(`role_${c.author.role}`)) : null,
    // Likewise from the publisher's sign-in (its SSO token), never from the name.
    c.author.verified ? h('span', { class: 'badge verified', title: t('verifiedBadge') }, t('verified')) : null,
    c.featured ? h('span', { class: 'badge pick' }, t('editorsPick')) : null,
    c.replyTo ? h('span', {}, t('replyingTo', { name: c.replyTo.name })) : null,
    timeEl(ctx, c.createdAt),
    c.editedAt ? h('span', { class: 'edited', title: ctx.time.full(c.editedAt) }, t('edited')) : null,
    c.pending ? h('span', { class: 'badge' }, t('awaiting')) : null,
  );
  const article = h('article', { 'aria-labelledby': headingId, tabindex: -1 }, meta, body);
  if (c.pending) article.append(h('p', { class: 'note' }, t('awaitingNote')));
  li.append(article);
  const own = ctx.userId() === c.author.id;
  // On a closed post (the section's `ro` class) what adds to the thread is hidden: reply, edit, reactions. Delete,
  // report, the notice of illegal content and mute stay.
  if (!c.pending) {
    const reply = h(
      'button',
      { type: 'button', class: 'link adds', 'aria-label': t('replyTo', { name: c.author.name }) },
      t('reply'),
    );
    reply.addEventListener('click', () => ctx.reply(c, li, depth, reply));
    const report = h(
      'button',
      {
        type: 'button',
        class: 'link report',
        'aria-label': t('reportComment', { name: c.author.name }),
        hidden: ctx.userId() === c.author.id,
      },
      t('report'),
    );
    report.addEventListener('click', () => ctx.report(c, li, report));
    // Shown only where the site takes notices (the section's `dsa` class).
    const notice = h(
      'button',
      {
        type: 'button',
        class: 'link illegal',
        'data-id': c.id,
        'aria-label': t('illegalComment', { name: c.author.name }),
        hidden: ctx.userId() === c.author.id,
      },
      t('illegal'),
    );
    notice.addEventListener('click', () => ctx.notice(c, li, notice));
    const mute = h(
      'button',
      {
        type: 'button',
        class: 'link mute',
        'aria-label': t('muteReader', { name: c.author.name }),
        // Oneself, and the site's staff (who speak for the site), are not muted.
        hidden: ctx.userId() === c.author.id || c.author.role !== undefined,
      },
      t('mute'),
    );
    mute.addEventListener('click', () => ctx.mute(c));
    const actions = h('div', { class: 'actions' }, reply, report, notice, mute, ...reactionButtons(ctx, c));
    if (own) {
      const rules = ctx.rules();
      const editable = rules !== null && Date.now() - Date.parse(c.createdAt) < rules.editWindowMinutes * 60_000;
      const edit = h('button', { type: 'button', class: 'link adds', hidden: !editable }, t('edit'));
      edit.addEventListener('click', () => ctx.edit(c, li, edit));
      const del = h('button', { type: 'button', class: 'link' }, t('delete'));
      del.addEventListener('click', () => ctx.remove(c, li, del));
      actions.append(edit, del);
    }
    article.append(actions);
  }
  if (ctx.muted(c.author.id)) setMuted(ctx, li, true);
  article.append(h('div', { class: 'slot' }));
  appendReplies(ctx, c, li, depth);
  return li;
}

/** A comment's replies as the thread gave them, and "Show N more replies" for the rest. */
function appendReplies(ctx: ViewContext, c: ViewComment, li: HTMLLIElement, depth: number): void {
  const replies = h('ol', { class: 'replies' });
  for (const r of c.replies) replies.append(renderComment(ctx, r, Math.min(depth + 1, MAX_DEPTH)));
  if (c.replies.length > 0) li.append(replies);
  // A placeholder (a removed reply kept for its own replies) takes a place on the page but is not counted.
  const missing = c.replyCount - c.replies.filter((r) => !r.removed).length;
  if (missing > 0 && !c.pending) {
    const more = h('button', { type: 'button', class: 'link more' }, plural(ctx.t, ctx.lang, 'moreReplies', missing));
    more.addEventListener('click', () => ctx.moreReplies(c, li, depth, more));
    li.append(more);
  }
}

/** The site's reactions under a comment, each a toggle with its count; none on one's own comments. */
function reactionButtons(ctx: ViewContext, c: ViewComment): HTMLButtonElement[] {
  const { t } = ctx;
  return (ctx.rules()?.reactions ?? []).map((kind) => {
    const n = c.reactions?.[kind] ?? 0;
    const label = t(`reaction_${kind}` as Parameters<Translate>[0]);
    const b = h(
      'button',
      {
        type: 'button',
        class: 'react',
        'data-kind': kind,
        'aria-pressed': String(ctx.mine(c.id) === kind),
        disabled: ctx.userId() === c.author.id,
      },
      label,
      ' ',
      h('span', { class: 'n' }, String(n)),
    );
    b.addEventListener('click', () => ctx.react(c, kind, b));
    return b;
  });
}

/** Sets a reaction button's count and pressed state. */
export function showReaction(b: HTMLButtonElement, n: number, pressed: boolean): void {
  b.setAttribute('aria-pressed', String(pressed));
  b.querySelector('.n')!.textContent = String(n);
}

/** A removed or deleted comment with replies: no author, no text, the replies stay readable. */
function renderPlaceholder(ctx: ViewContext, c: ViewComment, depth: number): HTMLLIElement {
  const li = h('li', { class: 'comment removed', 'data-id': c.id, 'data-depth': depth });
  li.append(
    h('article', { tabindex: -1 }, h('p', { class: 'note' }, ctx.t(c.deletedByAuthor ? 'deletedByAuthor' : 'removed'))),
  );
  appendReplies(ctx, c, li, depth);
  return li;
}

/** The list a reply to `li` goes into: its own replies list, or beside it once the thread is MAX_DEPTH deep. */
export function replyListOf(li: HTMLLIElement, depth: number): HTMLOListElement {
  if (depth >= MAX_DEPTH) return li.parentElement as HTMLOListElement;
  let list = li.querySelector<HTMLOListElement>(':scope > ol.replies');
  if (!list) {
    list = h('ol', { class: 'replies' });
    const more = li.querySelector(':scope > .more');
    li.insertBefore(list, more);
  }
  return list;
}

/** Every id in a list of comments, replies included. */
export const idsOf = (cs: ThreadComment[]): string[] => cs.flatMap((c) => [c.id, ...idsOf(c.replies)]);

/**
 * Collapses a muted reader's comment to one line, "Comment from a muted reader — show", or opens it again.
 * Its replies stay as they are (they are other readers' words).
 */
export function setMuted(ctx: Pick<ViewContext, 't'>, li: HTMLLIElement, muted: boolean): void {
  const article = li.querySelector<HTMLElement>(':scope > article');
  if (!article) return;
  article.querySelector(':scope > .collapsed')?.remove();
  li.classList.toggle('muted', muted);
  li.classList.remove('shown');
  if (!muted) return;
  const show = h('button', { type: 'button', class: 'link collapsed', 'aria-expanded': 'false' }, ctx.t('mutedShow'));
  show.addEventListener('click', () => {
    const open = li.classList.toggle('shown');
    show.setAttribute('aria-expanded', String(open));
    show.textContent = ctx.t(open ? 'mutedHide' : 'mutedShow');
  });
  article.prepend(show);
}
