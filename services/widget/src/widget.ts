import {
  ApiError,
  call,
  type CommentStatus,
  type MineComment,
  type Post,
  type SiteRules,
  type Standing,
  type Statement,
  type ThreadComment,
  type ThreadPage,
} from './api.js';
import { errorText, loadProblem, reasonText } from './messages.js';
import { awaitDecision, connectLive } from './follow.js';
import { h } from './dom.js';
import { plural, pickLang, translator, type Lang, type Translate } from './i18n.js';
import { timeTexts } from './time.js';
import { applyStyles } from './styles.js';
import { composer, type Prompted } from './composer.js';
import { bell } from './bell.js';
import { openReportMenu } from './report-menu.js';
import { openNoticeForm, statementBlock, type NoticeCategory } from './dsa.js';
import {
  idsOf,
  renderComment,
  replyListOf,
  setMuted,
  showReaction,
  type ViewComment,
  type ViewContext,
} from './comment-view.js';
import { loginPopup, type Session } from './session.js';
import { MAX_BODY_LENGTH } from '#shared/contract.js';

/** Top-level comments per page (each with its first replies). */
const PAGE = 50;
const REPLIES_PAGE = 50;

export interface WidgetOptions {
  base: string;
  session: Session;
}

/**
 * One comment section: count, sign-in prompt or comment box, the thread with "load more",
 * sort, live "N new comments", the reader's own comments awaiting review, and reports.
 * Everything renders inside a shadow root on the host element.
 */
export class Widget {
  private readonly t: Translate;
  private readonly lang: Lang;
  private readonly siteId: string;
  private readonly postId: string;
  private readonly shadow: ShadowRoot;
  private readonly ctx: ViewContext;
  private post: Post | null = null;
  /** The first load's reads, begun in the constructor; taken by the first `start()`. */
  private firstRead: Promise<[{ post: Post }, ThreadPage]> | null;
  private sort: 'newest' | 'oldest' | 'reacted' = 'newest';
  /** What the site lets readers do, from the last thread page read. */
  private rules: SiteRules | null = null;
  /** The signed-in reader's reactions: comment id → kind. */
  private readonly myReactions = new Map<string, string>();
  /** Counts reactions sent and reads of them, so an older read never undoes a newer click. */
  private reactionsSeq = 0;
  private sessionUser = '';
  private nextCursor: string | null = null;
  /**
   * Bumped by each re-read of the first page (another order, the new comments): a page asked for before it belongs
   * to a list no longer on screen, and is dropped when it arrives.
   */
  private view = 0;
  /** The order of the list on screen, and the control that chooses it. */
  private shownSort: 'newest' | 'oldest' | 'reacted' = 'newest';
  private sortSelect: HTMLSelectElement | null = null;
  /** Ids on screen (the reader's pending comments too): a live update counts only the others. */
  private known = new Set<string>();
  private shownTotal = 0;
  /** The reader's comments sent but not decided yet; once approved they are in the server's total before ours. */
  private readonly undecided = new Set<string>();
  /** Who the comment box was last drawn for, and whether the post was closed then. */
  private renderedState = '';
  /** The signed-in reader's notification bell (its stream stops on sign-out). */
  private bell: { el: HTMLElement; stop(): void } | null = null;
  /** The readers the signed-in reader muted (id → name); their comments are collapsed. */
  private mutes = new Map<string, string>();
  /** Mutes and unmutes sent so far: a read of the list started before one of them is stale (`loadMutes`). */
  private muteWrites = 0;
  private readonly muteList = h('div', { class: 'mute-list' });
  private readonly section = h('section', { class: 'root ro', 'aria-labelledby': 'c-title' });
  /** What readers typed and did not send, by box (`draftOf`). */
  private readonly drafts = new Map<string, string>();
  private readonly els = {
    // Focusable by script: where focus goes when the comment that had it is deleted.
    title: h('h2', { id: 'c-title', tabindex: '-1' }),
    announce: h('div', { class: 'sr', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' }),
    compose: h('div', { class: 'box' }),
    toolbar: h('div', { class: 'toolbar' }),
    newer: h('button', { type: 'button', class: 'new', hidden: true }),
    picks: h('section', { class: 'picks', 'aria-labelledby': 'c-picks', hidden: true }),
    list: h('ol', { class: 'thread' }),
    more: h('button', { type: 'button', class: 'more', hidden: true }),
    status: h('p', { class: 'status' }),
  };

  constructor(
    private readonly host: HTMLElement,
    private readonly o: WidgetOptions,
  ) {
    this.lang = pickLang(host);
    this.t = translator(this.lang);
    this.siteId = host.dataset.site ?? '';
    this.postId = host.dataset.post ?? '';
    // Asked before anything is drawn: the requests travel while the styles are parsed and the date formatters
    // load the locale's data (the first date or number a page formats: 36–133 ms in the bench's Chromium).
    this.firstRead = this.readFirst();
    this.shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    applyStyles(this.shadow);
    const time = timeTexts(this.lang);
    this.ctx = {
      t: this.t,
      lang: this.lang,
      time,
      userId: () => this.o.session.user?.id ?? null,
      // A signed-out reader is offered Reply and Report too; acting starts the sign-in.
      reply: (c, li, depth, button) => (this.o.session.user ? this.openReply(c, li, depth, button) : this.signIn()),
      report: (c, li, button) => (this.o.session.user ? this.openReport(c, li, button) : void this.signIn()),
      notice: (_c, li, button) => void this.openNotice(li, button),
      moreReplies: (c, li, depth, button) => void this.loadReplies(c, li, depth, button),
      muted: (authorId) => this.mutes.has(authorId),
      mute: (c) => (this.o.session.user ? void this.setMute(c.author, true) : void this.signIn()),
      rules: () => this.rules,
      mine: (id) => this.myReactions.get(id) ?? null,
      react: (c, kind, button) => (this.o.session.user ? void this.react(c, kind, button) : void this.signIn()),
      edit: (c, li, button) => this.openEdit(c, li, button),
      remove: (c, _li, button) => void this.remove(c, button),
    };
    this.section.lang = this.lang;
    this.buildFrame();
    void this.loadNoticeForm().then((f) => this.section.classList.toggle('dsa', f.enabled));
    this.o.session.onChange(() => this.rerender());
    setInterval(() => this.refreshTimes(time), 60_000);
  }

  private buildFrame(): void {
    const { t, els } = this;
    const sortId = 'c-sort';
    const select = h(
      'select',
      { id: sortId },
      h('option', { value: 'newest' }, t('newest')),
      h('option', { value: 'oldest' }, t('oldest')),
      h('option', { value: 'reacted' }, t('reacted')),
    );
    this.sortSelect = select as HTMLSelectElement;
    select.addEventListener('change', () => {
      this.sort = select.value === 'oldest' || select.value === 'reacted' ? select.value : 'newest';
      void this.reload();
    });
    els.toolbar.append(h('label', { for: sortId }, t('sortBy')), select);
    els.newer.addEventListener('click', () => void this.reload(true));
    els.more.textContent = t('loadMore');
    els.more.addEventListener('click', () => void this.loadMore());
    this.section.append(
      els.title,
      els.announce,
      els.compose,
      els.picks,
      els.toolbar,
      els.newer,
      els.status,
      els.list,
      els.more,
    );
    this.shadow.append(this.section);
    // No count until one is read: a thread that failed to load is not "0 comments".
    els.title.textContent = t('comments');
  }

  private setTitle(n: number): void {
    this.els.title.textContent = plural(this.t, this.lang, 'comments', n);
  }

  private announce(text: string): void {
    // Cleared first so the same message twice is announced twice.
    this.els.announce.textContent = '';
    setTimeout(() => {
      this.els.announce.textContent = text;
    }, 50);
  }

  private path(rest = ''): string {
    return `/api/v1/sites/${encodeURIComponent(this.siteId)}/posts/${encodeURIComponent(this.postId)}${rest}`;
  }

  /** The post (created on first load when the site allows) and the first page, read together. */
  private readFirst(): Promise<[{ post: Post }, ThreadPage]> {
    const { base } = this.o;
    if (!this.siteId || !this.postId) return Promise.reject(new Error('embed element incomplete'));
    return Promise.all([
      call<{ post: Post }>(base, this.path()).catch(async (err) => {
        if (!(err instanceof ApiError) || err.code !== 'post_not_found') throw err;
        return call<{ post: Post }>(base, this.path('/discover'), {
          method: 'POST',
          body: {
            title: this.host.dataset.title || document.title || this.postId,
            url: this.host.dataset.url || location.href.split('#')[0],
          },
        });
      }),
      call<ThreadPage>(base, this.path(`/comments?sort=${this.sort}&limit=${PAGE}`), { cache: 'no-cache' }).catch(
        (err) => {
          if (err instanceof ApiError && err.code === 'post_not_found')
            return { comments: [], nextCursor: null, total: 0 } as ThreadPage;
          throw err;
        },
      ),
    ]);
  }

  /** First load, and "Retry" after it failed: the reads the constructor began, or new ones. */
  async start(): Promise<void> {
    const read = this.firstRead ?? this.readFirst();
    this.firstRead = null;
    this.els.status.textContent = '';
    try {
      const [post, page] = await read;
      this.post = post.post;
      await this.loadMyReactions();
      this.sessionUser = this.o.session.user?.id ?? '';
      this.renderPage(page, false);
      this.rerender();
      void this.loadMine();
      // For the page's own performance measurements (and `npm run bench`): the first thread is on screen.
      performance.mark?.('comments:rendered');
      // Live updates: the API says "this post changed"; the widget counts what is new without moving the page.
      connectLive(this.o.base + this.path('/events'), {
        comments: () => this.scheduleCheck(),
        post: () => {
          this.scheduleCheck();
          this.schedulePostRefresh();
        },
      });
    } catch (err) {
      this.showLoadError(err);
    }
  }

  private showLoadError(err: unknown): void {
    const problem = loadProblem(err, { base: this.o.base, siteId: this.siteId, postId: this.postId });
    console.error(`Comments: ${problem.text}`);
    this.els.title.textContent = this.t('comments');
    this.els.compose.hidden = true;
    this.renderedState = '';
    this.els.toolbar.hidden = true;
    this.els.list.replaceChildren();
    this.els.more.hidden = true;
    const retry = h('button', { type: 'button' }, this.t('retry'));
    retry.addEventListener('click', () => {
      this.els.status.replaceChildren();
      void this.start();
    });
    if (problem.setup) this.els.status.replaceChildren(this.t('unavailable'));
    else this.els.status.replaceChildren(this.t('loadFailed'), ' ', retry);
  }

  private renderPage(page: ThreadPage, append: boolean): HTMLLIElement | null {
    if (page.site) this.rules = page.site;
    if (!append) {
      this.renderPicks(page.featured ?? []);
      // What stays known is what stays on screen: the reader's own pending comments (the caller puts them back).
      const kept = new Set([...this.known].filter((id) => this.shadow.querySelector(`[data-id="${id}"].pending`)));
      this.els.list.replaceChildren();
      this.known = kept;
      this.shownTotal = page.total ?? this.shownTotal;
      this.setTitle(this.shownTotal);
    }
    let first: HTMLLIElement | null = null;
    for (const c of page.comments) {
      if (this.known.has(c.id)) continue;
      const li = renderComment(this.ctx, c, 0);
      first ??= li;
      this.els.list.append(li);
    }
    for (const id of idsOf(page.comments)) this.known.add(id);
    this.nextCursor = page.nextCursor;
    this.els.more.hidden = page.nextCursor === null;
    return first;
  }

  /** Featured comments above the thread, under their heading ("Editors' picks"). */
  private renderPicks(featured: ThreadComment[]): void {
    const { picks } = this.els;
    picks.hidden = featured.length === 0;
    picks.replaceChildren(
      h('h3', { id: 'c-picks' }, this.t('editorsPicks')),
      h(
        'ol',
        { class: 'thread' },
        ...featured.map((c) => renderComment(this.ctx, { ...c, replies: [], replyCount: 0 }, 0)),
      ),
    );
  }

  /** The signed-in reader's reactions on this post, so their toggles show pressed. */
  private async loadMyReactions(): Promise<void> {
    const seq = ++this.reactionsSeq;
    if (!this.o.session.user) {
      this.myReactions.clear();
      return;
    }
    try {
      const { reactions } = await this.o.session.authed((token) =>
        call<{ reactions: Record<string, string> }>(this.o.base, this.path('/reactions/mine'), {
          token,
          cache: 'no-store',
        }),
      );
      // A reaction given or taken back meanwhile is newer than this answer: keep what the reader did.
      if (seq !== this.reactionsSeq) return;
      this.myReactions.clear();
      for (const [id, kind] of Object.entries(reactions)) this.myReactions.set(id, kind);
    } catch {
      // Without them the toggles show unpressed; the next click sets the truth.
    }
  }

  /** Toggles the reader's reaction and shows the counts the API answers. */
  private async react(c: ThreadComment, kind: string, button: HTMLButtonElement): Promise<void> {
    const pressed = button.getAttribute('aria-pressed') === 'true';
    this.reactionsSeq++;
    button.disabled = true;
    try {
      const { comment } = await this.o.session.authed((token) =>
        call<{ comment: { reactions: Record<string, number>; mine: string | null } }>(
          this.o.base,
          `/api/v1/comments/${c.id}/reaction`,
          pressed ? { method: 'DELETE', token } : { method: 'PUT', token, body: { kind } },
        ),
      );
      if (comment.mine) this.myReactions.set(c.id, comment.mine);
      else this.myReactions.delete(c.id);
      this.showReactions(c.id, comment.reactions);
    } catch (err) {
      this.announce(errorText(this.t, err));
    } finally {
      button.disabled = false;
    }
  }

  /** Every copy of a comment on screen (in the thread and among the picks) shows these counts. */
  private showReactions(id: string, reactions: Record<string, number>): void {
    for (const b of this.shadow.querySelectorAll<HTMLButtonElement>(`[data-id="${id}"] > article .react`)) {
      const kind = b.dataset.kind ?? '';
      showReaction(b, reactions[kind] ?? 0, this.myReactions.get(id) === kind);
    }
  }

  private openEdit(c: ThreadComment, li: HTMLLIElement, button: HTMLButtonElement): void {
    const slot = li.querySelector<HTMLElement>(':scope > article > .slot');
    if (!slot) return;
    const close = () => {
      slot.replaceChildren();
      button.focus();
    };
    const box = composer({
      t: this.t,
      maxLength: MAX_BODY_LENGTH,
      label: this.t('editYourComment'),
      submitText: this.t('saveEdit'),
      initial: c.body,
      send: async (text) => {
        await this.sendEdit(c, li, text);
        close();
      },
      onCancel: close,
    });
    slot.replaceChildren(box.el);
    box.focus();
  }

  /** Sends an edit; the comment shows the new text once moderation approved it, marked edited. */
  private async sendEdit(c: ThreadComment, li: HTMLLIElement, text: string): Promise<void> {
    try {
      await this.o.session.authed((token) =>
        call(this.o.base, `/api/v1/comments/${c.id}`, { method: 'PATCH', token, body: { body: text } }),
      );
    } catch (err) {
      throw new Error(errorText(this.t, err));
    }
    const note = h('p', { class: 'note' }, this.t('editSent'));
    li.querySelector(':scope > article > .slot')?.before(note);
    this.announce(this.t('editSent'));
    const status = await awaitDecision({
      base: this.o.base,
      session: this.o.session,
      id: c.id,
      alive: () => li.isConnected,
      done: (s) => s.status !== 'queued' && s.editPending === false,
    });
    if (!status) return;
    if (status.status === 'rejected') {
      this.markRejected(li, status);
      this.dropPick(c.id);
      return;
    }
    const depth = Number(li.dataset.depth ?? 0);
    // The new text is not an editor's pick until an editor picks it again.
    const { featured: _pick, ...unpicked } = c;
    const fresh = renderComment(
      this.ctx,
      {
        ...unpicked,
        body: text,
        bodyHtml: status.bodyHtml ?? c.bodyHtml,
        editedAt: new Date().toISOString(),
        pending: status.status === 'pending',
        replies: [],
      },
      depth,
    );
    const replies = li.querySelector(':scope > ol.replies');
    if (replies) fresh.append(replies);
    li.replaceWith(fresh);
    this.dropPick(c.id);
    if (status.status === 'approved') this.announce(this.t('editPublished'));
  }

  /** Takes a comment out of the Editors' picks on screen (its text changed, or it is gone); the heading goes last. */
  private dropPick(id: string): void {
    const { picks } = this.els;
    picks.querySelector(`li[data-id="${id}"]`)?.remove();
    if (!picks.querySelector('li.comment')) picks.hidden = true;
  }

  /** Deletes the reader's comment: a placeholder stays where replies hang on it. */
  private async remove(c: ThreadComment, button: HTMLButtonElement): Promise<void> {
    if (!window.confirm(this.t('confirmDelete'))) return;
    button.disabled = true;
    try {
      await this.o.session.authed((token) =>
        call(this.o.base, `/api/v1/comments/${c.id}`, { method: 'DELETE', token }),
      );
    } catch (err) {
      button.disabled = false;
      this.announce(errorText(this.t, err));
      return;
    }
    for (const copy of this.shadow.querySelectorAll<HTMLLIElement>(`li[data-id="${c.id}"]`)) {
      if (copy.querySelector(':scope > ol.replies > li'))
        copy.querySelector(':scope > article')?.replaceChildren(h('p', { class: 'note' }, this.t('deletedByAuthor')));
      else copy.remove();
    }
    if (this.els.picks.querySelector('li') === null) this.els.picks.hidden = true;
    this.shownTotal = Math.max(0, this.shownTotal - 1);
    this.setTitle(this.shownTotal);
    this.els.title.focus();
    this.announce(this.t('deleted'));
  }

  /** Re-reads the first page (sort changed, or the reader asked for the new comments). */
  private async reload(focusNew = false): Promise<void> {
    const before = new Set(this.known);
    const view = ++this.view;
    // The next page of the list on screen is not the next page of the one being read; kept, should the read fail.
    const shown = { cursor: this.nextCursor, sort: this.shownSort };
    this.nextCursor = null;
    this.els.more.hidden = true;
    try {
      const page = await call<ThreadPage>(this.o.base, this.path(`/comments?sort=${this.sort}&limit=${PAGE}`), {
        cache: 'no-cache',
      });
      if (view !== this.view) return;
      // The reader's own pending comments stay on screen; one the server now lists (approved meanwhile) comes back
      // from it, once, and is no longer followed as undecided.
      const listed = new Set(idsOf(page.comments));
      const pending = [...this.els.list.querySelectorAll<HTMLLIElement>(':scope > li.pending')].filter(
        (li) => !listed.has(li.dataset.id!),
      );
      for (const id of listed) this.undecided.delete(id);
      this.known = new Set(pending.map((li) => li.dataset.id!));
      this.renderPage(page, false);
      this.shownSort = this.sort;
      for (const li of pending.reverse()) this.els.list.prepend(li);
      this.els.newer.hidden = true;
      if (focusNew) {
        const fresh = idsOf(page.comments).filter((id) => !before.has(id));
        const target =
          fresh.length > 0 ? this.shadow.querySelector<HTMLElement>(`[data-id="${fresh[0]}"] > article`) : null;
        (target ?? this.els.title).focus();
      }
    } catch {
      if (view !== this.view) return;
      // The list on screen stays, and so does its "load more", in its own order.
      this.nextCursor = shown.cursor;
      this.els.more.hidden = shown.cursor === null;
      this.sort = shown.sort;
      if (this.sortSelect) this.sortSelect.value = shown.sort;
      this.announce(this.t('loadFailed'));
    }
  }

  private async loadMore(): Promise<void> {
    if (!this.nextCursor) return;
    const view = this.view;
    this.els.more.disabled = true;
    try {
      const page = await call<ThreadPage>(
        this.o.base,
        this.path(`/comments?sort=${this.sort}&limit=${PAGE}&cursor=${encodeURIComponent(this.nextCursor)}`),
      );
      if (view !== this.view) return;
      const first = this.renderPage(page, true);
      first?.querySelector<HTMLElement>(':scope > article')?.focus();
    } catch {
      this.announce(this.t('loadFailed'));
    } finally {
      this.els.more.disabled = false;
    }
  }

  private async loadReplies(
    c: ThreadComment,
    li: HTMLLIElement,
    depth: number,
    button: HTMLButtonElement,
  ): Promise<void> {
    button.disabled = true;
    const cursor = button.dataset.cursor;
    try {
      const page = await call<ThreadPage>(
        this.o.base,
        this.path(
          `/comments/${c.id}/replies?limit=${REPLIES_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        ),
      );
      const list = replyListOf(li, Math.min(depth, 2));
      let first: HTMLLIElement | null = null;
      for (const r of page.comments) {
        if (this.known.has(r.id)) continue;
        const child = renderComment(this.ctx, r, Math.min(depth + 1, 3));
        first ??= child;
        list.append(child);
        for (const id of idsOf([r])) this.known.add(id);
      }
      if (page.nextCursor) {
        button.dataset.cursor = page.nextCursor;
        button.disabled = false;
      } else {
        button.remove();
      }
      first?.querySelector<HTMLElement>(':scope > article')?.focus();
    } catch {
      button.disabled = false;
      this.announce(this.t('loadFailed'));
    }
  }

  /** The comment box area and every comment's actions follow the sign-in state and the post's state. */
  private rerender(): void {
    if (!this.post) return;
    const { t, els } = this;
    const user = this.o.session.user;
    // A renewed token for the same reader must not replace the box they are typing in.
    const state = `${user?.id ?? ''}|${user?.name ?? ''}|${this.post.closed}`;
    if (state === this.renderedState) return;
    this.renderedState = state;
    if ((user?.id ?? '') !== this.sessionUser) {
      this.sessionUser = user?.id ?? '';
      void this.loadMine();
      void this.loadMyReactions().then(() => {
        // Their own comments on screen get Edit and Delete (drawn again); otherwise only the toggles change.
        if (user && this.els.list.querySelector(`li.comment[data-author="${user.id}"]:not(.pending)`)) {
          void this.reload();
          return;
        }
        for (const b of this.shadow.querySelectorAll<HTMLButtonElement>('.react')) {
          const id = b.closest('li')?.dataset.id ?? '';
          showReaction(b, Number(b.querySelector('.n')?.textContent ?? 0), this.myReactions.get(id) === b.dataset.kind);
        }
      });
    }
    this.bell?.stop();
    this.bell = user
      ? bell({
          base: this.o.base,
          siteId: this.siteId,
          session: this.o.session,
          t,
          time: this.ctx.time,
          extra: this.muteList,
        })
      : null;
    void this.loadMutes();
    els.compose.hidden = false;
    els.toolbar.hidden = false;
    const heading = h('h3', {}, t('leaveComment'));
    if (this.post.closed) {
      els.compose.replaceChildren(h('p', {}, t('closed')));
    } else if (!user) {
      els.compose.replaceChildren(heading, h('p', {}, t('loginPrompt')), this.loginControl());
    } else {
      const logout = h('button', { type: 'button', class: 'link' }, t('logOut'));
      logout.addEventListener('click', () => {
        // Leaving on purpose: nothing of what was typed stays behind.
        this.drafts.clear();
        this.o.session.logout();
      });
      const standing = this.standing?.userId === user.id ? this.standing.s : null;
      this.composeBox = standing
        ? this.standingBlock(standing)
        : composer({
            t,
            maxLength: MAX_BODY_LENGTH,
            label: t('yourComment'),
            submitText: t('post'),
            check: (text) => this.mayBeHeld(text, null),
            send: (text, key, prompted) => this.send(text, key, null, prompted),
            draft: this.draftOf('comment'),
          }).el;
      els.compose.replaceChildren(
        heading,
        h('div', { class: 'session' }, h('span', {}, t('signedInAs', { name: user.name })), this.bell!.el, logout),
        this.composeBox,
      );
    }
    // Reply and Report show while the post is open, signed in or not; nobody reports themselves.
    this.section.classList.toggle('ro', this.post.closed);
    for (const b of els.list.querySelectorAll<HTMLButtonElement>('li.comment > article .report')) {
      b.hidden = user !== null && b.closest('li')?.dataset.author === user.id;
    }
  }

  /** The publisher's sign-in page (`data-login-url`), when the embed names one it may follow. */
  private loginUrl(): string | null {
    const url = this.host.dataset.loginUrl;
    return url && /^(https?:|\/|#)/.test(url) ? url : null;
  }

  private loginControl(): HTMLElement {
    const { t } = this;
    const url = this.loginUrl();
    if (url) return h('a', { href: url, class: 'primary-link' }, t('logIn'));
    const button = h('button', { type: 'button', class: 'primary' }, t('logIn'));
    button.addEventListener('click', () => void this.signIn());
    return button;
  }

  /** What "Log in" does: the publisher's sign-in page, else the service's popup. */
  private async signIn(): Promise<void> {
    const url = this.loginUrl();
    if (url) {
      location.assign(url);
      return;
    }
    const signedIn = await loginPopup(this.o.base, this.siteId, this.lang);
    if (signedIn) {
      this.o.session.accept(signedIn);
      this.els.compose.querySelector('textarea')?.focus();
    } else if (!this.o.session.user) {
      this.announce(this.t('popupBlocked'));
    }
  }

  private mutesPath(rest = ''): string {
    return `/api/v1/sites/${encodeURIComponent(this.siteId)}/mutes${rest}`;
  }

  /**
   * The reader's mutes, from the server (they follow the reader); none when signed out. A mute or unmute sent while
   * this read was on its way answers with the newer list: the read is then dropped, not applied over it.
   */
  private async loadMutes(): Promise<void> {
    const writes = this.muteWrites;
    let list: { id: string; name: string }[] = [];
    if (this.o.session.user) {
      try {
        ({ mutes: list } = await this.o.session.authed((token) =>
          call<{ mutes: { id: string; name: string }[] }>(this.o.base, this.mutesPath(), { token, cache: 'no-store' }),
        ));
      } catch {
        /* shown uncollapsed: nothing is lost */
      }
    }
    if (writes === this.muteWrites) this.applyMutes(list);
  }

  private applyMutes(list: { id: string; name: string }[]): void {
    const before = this.mutes;
    this.mutes = new Map(list.map((m) => [m.id, m.name]));
    for (const li of this.els.list.querySelectorAll<HTMLLIElement>('li.comment')) {
      const id = li.dataset.author ?? '';
      if (before.has(id) !== this.mutes.has(id)) setMuted(this.ctx, li, this.mutes.has(id));
    }
    const { t } = this;
    this.muteList.replaceChildren(
      h('h3', {}, t('mutedReaders')),
      this.mutes.size === 0
        ? h('p', {}, t('noMuted'))
        : h(
            'ul',
            { class: 'mutes' },
            ...[...this.mutes].map(([id, name]) => {
              const b = h('button', { type: 'button', class: 'link' }, t('unmute', { name }));
              b.addEventListener('click', () => void this.setMute({ id, name }, false));
              return h('li', {}, b);
            }),
          ),
    );
  }

  private async setMute(author: { id: string; name: string }, mute: boolean): Promise<void> {
    this.muteWrites++;
    try {
      const { mutes } = await this.o.session.authed((token) =>
        call<{ mutes: { id: string; name: string }[] }>(this.o.base, this.mutesPath(`/${author.id}`), {
          method: mute ? 'PUT' : 'DELETE',
          token,
        }),
      );
      this.applyMutes(mutes);
      if (mute) this.announce(this.t('mutedDone', { name: author.name }));
    } catch {
      this.announce(this.t('err_generic'));
    }
  }

  /** Think before you post: whether the site would hold this draft. Any failure says no (never blocks). */
  private async mayBeHeld(text: string, parentId: string | null): Promise<boolean> {
    try {
      const r = await this.o.session.authed((token) =>
        call<{ mayBeHeld?: boolean }>(this.o.base, this.path('/comments/check'), {
          method: 'POST',
          token,
          body: parentId ? { body: text, parentId } : { body: text },
        }),
      );
      return r.mayBeHeld === true;
    } catch {
      return false;
    }
  }

  /** Posts a comment or reply; on 202 shows it to its author as awaiting review and follows its status. */
  private async send(
    text: string,
    key: string,
    parent: { c: ThreadComment; li: HTMLLIElement; depth: number } | null,
    prompted?: Prompted,
  ): Promise<void> {
    const session = this.o.session;
    let id: string;
    try {
      ({ id } = await session.authed((token) =>
        call<{ id: string }>(this.o.base, this.path('/comments'), {
          method: 'POST',
          token,
          headers: { 'Idempotency-Key': key },
          body: { body: text, ...(parent ? { parentId: parent.c.id } : {}), ...(prompted ? { prompted } : {}) },
        }),
      ));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'post_closed' && this.post) {
        this.post.closed = true;
        this.rerender();
      }
      throw new Error(errorText(this.t, err));
    }
    const user = session.user!;
    const view: ViewComment = {
      id,
      author: { id: user.id, name: user.name },
      body: text,
      bodyHtml: '',
      createdAt: new Date().toISOString(),
      replies: [],
      replyCount: 0,
      pending: true,
      ...(parent && parent.depth >= 3 ? { replyTo: parent.c.author } : {}),
    };
    const depth = parent ? Math.min(parent.depth + 1, 3) : 0;
    const li = renderComment(this.ctx, view, depth);
    this.known.add(id);
    this.undecided.add(id);
    if (parent) {
      const list = replyListOf(parent.li, parent.depth);
      if (parent.depth >= 3) parent.li.after(li);
      else list.append(li);
    } else {
      this.els.list.prepend(li);
    }
    this.announce(this.t('sent'));
    void this.follow(id, li, depth, view);
  }

  /** Follows the reader's comment until it is decided: then a normal comment, or marked "Not published" with why. */
  private async follow(id: string, li: HTMLLIElement, depth: number, view: ViewComment): Promise<void> {
    const status = await awaitDecision({ base: this.o.base, session: this.o.session, id, alive: () => li.isConnected });
    if (!status) return;
    this.undecided.delete(id);
    if (status.status === 'rejected') {
      this.markRejected(li, status);
      return;
    }
    if (status.status === 'pending') {
      // Held, with a statement of reasons: it stays the reader's own, awaiting review.
      li.querySelector(':scope > article > .note')?.replaceWith(h('p', { class: 'note' }, this.t('held')));
      this.addStatement(li, status);
      return;
    }
    const fresh = renderComment(
      this.ctx,
      { ...view, pending: false, bodyHtml: status.bodyHtml ?? '', createdAt: status.createdAt ?? view.createdAt },
      depth,
    );
    if (!status.bodyHtml) fresh.querySelector('.body')?.replaceChildren(...li.querySelector('.body')!.childNodes);
    // Drawn from the server already (the list was read again after it was approved): the copy that waited goes.
    if ([...this.shadow.querySelectorAll(`li[data-id="${id}"]`)].some((other) => other !== li)) {
      li.remove();
      return;
    }
    const hadFocus = li.contains(this.shadow.activeElement);
    li.replaceWith(fresh);
    this.shownTotal++;
    this.setTitle(this.shownTotal);
    if (hadFocus) fresh.querySelector<HTMLElement>(':scope > article')?.focus();
    this.announce(this.t('published'));
  }

  private markRejected(li: HTMLLIElement, s: CommentStatus, announce = true): void {
    const { t } = this;
    const reason = reasonText(t, this.lang, s);
    li.querySelector('.badge')?.replaceWith(h('span', { class: 'badge rejected' }, t('notPublished')));
    li.querySelector(':scope > article > .note')?.replaceWith(
      h('p', { class: 'note rejected' }, t('notPublishedWhy', { reason })),
    );
    this.addStatement(li, s);
    if (announce) this.announce(t('notPublishedWhy', { reason }));
  }

  /** Counts loads of the reader's own comments, so an answer for an earlier sign-in is dropped. */
  private mineSeq = 0;
  /** The signed-in reader's suspension or ban, shown instead of the comment box (from …/comments/mine). */
  private standing: { userId: string; s: Standing } | null = null;
  /** What the comment box area holds under the session line: the box, or the reader's restriction. */
  private composeBox: HTMLElement | null = null;

  /**
   * The signed-in reader's own comments on this post that readers do not see (held, or not published),
   * on top of the thread, each with its statement of reasons and Appeal (DSA Art. 17 and 20): a returning
   * author finds them where they left them. Only their token reads them; signing out takes them away.
   */
  private async loadMine(): Promise<void> {
    const seq = ++this.mineSeq;
    for (const li of this.els.list.querySelectorAll<HTMLLIElement>(':scope > li.unpublished')) {
      this.known.delete(li.dataset.id ?? '');
      li.remove();
    }
    const user = this.o.session.user;
    if (!user) return;
    let comments: MineComment[];
    let standing: Standing | null;
    try {
      ({ comments, standing } = await this.o.session.authed((token) =>
        call<{ comments: MineComment[]; standing: Standing | null }>(this.o.base, this.path('/comments/mine'), {
          token,
          cache: 'no-store',
        }),
      ));
    } catch {
      return; // Without them the thread is as before; the next sign-in or visit tries again.
    }
    if (seq !== this.mineSeq || this.o.session.user?.id !== user.id) return;
    this.standing = standing ? { userId: user.id, s: standing } : null;
    if (standing && this.composeBox?.isConnected) {
      const block = this.standingBlock(standing);
      this.composeBox.replaceWith(block);
      this.composeBox = block;
    }
    for (const c of [...comments].reverse()) {
      if (this.known.has(c.id)) continue;
      const li = renderComment(
        this.ctx,
        {
          id: c.id,
          author: { id: user.id, name: user.name },
          body: c.body,
          bodyHtml: '',
          createdAt: c.createdAt,
          replies: [],
          replyCount: 0,
          pending: true,
        },
        0,
      );
      li.classList.add('unpublished');
      const status: CommentStatus = { id: c.id, status: c.status, reason: c.reason, statement: c.statement };
      if (c.status === 'rejected') this.markRejected(li, status, false);
      else if (c.statement) {
        li.querySelector(':scope > article > .note')?.replaceWith(h('p', { class: 'note' }, this.t('held')));
        this.addStatement(li, status);
      }
      this.known.add(c.id);
      this.els.list.prepend(li);
    }
  }

  /** The statement of reasons under the reader's own comment, with Appeal (DSA Art. 17 and 20). */
  private addStatement(li: HTMLLIElement, s: CommentStatus): void {
    if (s.statement) li.querySelector(':scope > article')?.append(this.statementWithAppeal(s.statement));
  }

  /**
   * A suspended or banned reader's restriction where the comment box was, with its statement of reasons and
   * Appeal (DSA Art. 17 and 20): the statement's mail sends them here to appeal.
   */
  private standingBlock(s: Standing): HTMLElement {
    const text =
      s.status === 'banned'
        ? this.t('standingBanned')
        : this.t('standingSuspended', { date: this.ctx.time.full(s.until ?? '') });
    return h(
      'div',
      { class: 'standing' },
      h('p', { class: 'note rejected', role: 'status' }, text),
      s.statement ? this.statementWithAppeal(s.statement) : null,
    );
  }

  private statementWithAppeal(statement: Statement): HTMLElement {
    return statementBlock({
      t: this.t,
      s: statement,
      appeal: (explanation) =>
        this.o.session.authed((token) =>
          call(this.o.base, `/api/v1/sites/${encodeURIComponent(this.siteId)}/appeals`, {
            method: 'POST',
            token,
            body: { statementId: statement.id, explanation },
          }),
        ),
    });
  }

  /** Whether the site takes notices of illegal content, and its categories (asked once). */
  private noticeForm: Promise<{ enabled: boolean; categories: NoticeCategory[] }> | null = null;
  private loadNoticeForm() {
    this.noticeForm ??= call<{ enabled: boolean; categories: NoticeCategory[] }>(
      this.o.base,
      `/api/v1/sites/${encodeURIComponent(this.siteId)}/notices/form`,
    ).catch(() => ({ enabled: false, categories: [] }));
    return this.noticeForm;
  }

  private async openNotice(li: HTMLLIElement, button: HTMLButtonElement): Promise<void> {
    const slot = li.querySelector<HTMLElement>(':scope > article > .slot');
    if (!slot) return;
    const form = await this.loadNoticeForm();
    openNoticeForm({
      t: this.t,
      slot,
      button,
      categories: form.categories,
      signedIn: this.o.session.user !== null,
      send: (body) =>
        this.o.session.user
          ? this.o.session.authed((token) =>
              call(this.o.base, `/api/v1/sites/${encodeURIComponent(this.siteId)}/notices`, {
                method: 'POST',
                token,
                body,
              }),
            )
          : call(this.o.base, `/api/v1/sites/${encodeURIComponent(this.siteId)}/notices`, { method: 'POST', body }),
    });
  }

  /**
   * A draft kept for this page's life (memory only), by reader and box (the comment box, or a reply to one
   * comment): the same reader signing in again finds it, another reader at the same computer does not.
   */
  private draftOf(box: string): { get(): string; set(text: string): void } {
    const key = `${this.o.session.user?.id ?? ''}\n${box}`;
    return {
      get: () => this.drafts.get(key) ?? '',
      set: (text) => {
        if (text) this.drafts.set(key, text);
        else this.drafts.delete(key);
      },
    };
  }

  private openReply(c: ThreadComment, li: HTMLLIElement, depth: number, button: HTMLButtonElement): void {
    const slot = li.querySelector<HTMLElement>(':scope > article > .slot');
    if (!slot) return;
    const close = () => {
      slot.replaceChildren();
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    };
    const box = composer({
      t: this.t,
      maxLength: MAX_BODY_LENGTH,
      label: this.t('yourReply', { name: c.author.name }),
      submitText: this.t('postReply'),
      check: (text) => this.mayBeHeld(text, c.id),
      send: async (text, key, prompted) => {
        await this.send(text, key, { c, li, depth }, prompted);
        close();
      },
      onCancel: close,
      draft: this.draftOf(`reply:${c.id}`),
    });
    slot.replaceChildren(box.el);
    button.setAttribute('aria-expanded', 'true');
    box.focus();
  }

  private openReport(c: ThreadComment, li: HTMLLIElement, button: HTMLButtonElement): void {
    const slot = li.querySelector<HTMLElement>(':scope > article > .slot');
    if (slot)
      openReportMenu({
        t: this.t,
        slot,
        button,
        send: (body) =>
          this.o.session.authed((token) =>
            call(this.o.base, `/api/v1/comments/${c.id}/reports`, { method: 'POST', token, body }),
          ),
      });
  }

  /**
   * A re-read of the first page for every change that arrives before it starts (a steady stream of changes still
   * gets one: a timer pushed back at each change would never fire), a moment later, spread so that many readers
   * do not ask at once; and the same for the post's own state (closed, surge).
   */
  private readonly scheduleCheck = onceSoon(() => void this.checkNew());
  private readonly schedulePostRefresh = onceSoon(() => void this.refreshPost());

  private async checkNew(): Promise<void> {
    try {
      const page = await call<ThreadPage>(this.o.base, this.path(`/comments?sort=newest&limit=${PAGE}`), {
        cache: 'no-cache',
      });
      // Reactions change in place: every comment on screen that this page carries shows its new counts.
      const all = (cs: ThreadComment[]): ThreadComment[] => cs.flatMap((c) => [c, ...all(c.replies ?? [])]);
      for (const c of [...all(page.comments), ...(page.featured ?? [])])
        if (c.reactions) this.showReactions(c.id, c.reactions);
      // New is what was written after everything on screen (ids grow with time): in another order, or after a
      // removal lets an older comment onto the first page, an id never loaded is not news. The count catches the
      // rest (a comment held, then approved).
      let newest = '';
      for (const id of this.known) if (id > newest) newest = id;
      const unknown =
        this.sort === 'newest' ? idsOf(page.comments).filter((id) => !this.known.has(id) && id > newest).length : 0;
      const n = Math.max(unknown, (page.total ?? 0) - this.shownTotal - this.undecided.size);
      if (n <= 0) return;
      const text = plural(this.t, this.lang, 'newComments', n);
      if (this.els.newer.hidden || this.els.newer.textContent !== text) this.announce(text);
      this.els.newer.textContent = text;
      this.els.newer.hidden = false;
    } catch {
      // The next event will try again.
    }
  }

  private async refreshPost(): Promise<void> {
    try {
      const { post } = await call<{ post: Post }>(this.o.base, this.path(), { cache: 'no-cache' });
      const changed = this.post?.closed !== post.closed;
      this.post = post;
      if (changed) this.rerender();
    } catch {
      /* keep what we have */
    }
  }

  private refreshTimes(time: ReturnType<typeof timeTexts>): void {
    for (const el of this.shadow.querySelectorAll('time')) el.textContent = time.relative(el.dateTime);
  }
}

/** `run` once, 150–750 ms later, for every call made before it runs. */
function onceSoon(run: () => void): () => void {
  let timer: number | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = window.setTimeout(
      () => {
        timer = undefined;
        run();
      },
      150 + Math.random() * 600,
    );
  };
}
