import { ApiError, type Api } from './api.js';
import type { Counts, QueueItem, QueueName, QueueSort } from './types.js';
import { LearningPanel } from './learning.js';
import { byId, h } from './dom.js';
import { renderItem } from './item.js';
import { Drawer } from './drawer.js';

const QUEUES: { name: QueueName; label: string }[] = [
  { name: 'pending', label: 'Pending' },
  { name: 'reported', label: 'Reported' },
  { name: 'rejected', label: 'Rejected' },
  { name: 'approved', label: 'Approved' },
  { name: 'review', label: 'For review' },
];
const OLDEST_FIRST: Record<QueueName, boolean> = {
  pending: true,
  reported: true,
  rejected: false,
  approved: false,
  review: false,
};
/** The status every comment in a queue has: a bulk action decides only those still in it. */
const STATUS_OF_QUEUE: Record<QueueName, 'pending' | 'approved' | 'rejected'> = {
  pending: 'pending',
  reported: 'approved',
  rejected: 'rejected',
  approved: 'approved',
  review: 'approved',
};
/** The most comments one bulk action takes (the API's limit). */
const BULK_MAX = 100;
const PAGE = 25;
const POLL_MS = 3000;
/** Polls between two readings of the current queue when its count has not moved. */
const REREAD_EVERY = 10;
/** Pages of 100 a reading of the current queue reads at most. */
const REREAD_PAGES = 5;

/** What has the queue's keys when it has the focus: its tabs, its toolbar, its list and the undo bar. */
const QUEUE_SCOPE = '#tabs, .toolbar, #items, #more, #load-failed, #lane-info, #undo-bar';

/** The queues: tabs with counts, the list, actions by mouse and keyboard, and new items as they come. */
export class Board {
  private queue: QueueName = 'pending';
  private items: QueueItem[] = [];
  private nextCursor: string | null = null;
  /** The cursor the last loaded page was read from (null for the first page). */
  private polls = 0;
  /** The reading of the open queue going on (`fetchNew`), and whether another was asked for meanwhile. */
  private reading: Promise<void> | null = null;
  private readAgain = false;
  /**
   * Lists asked for so far. An answer to an older request than the last is dropped: a queue switched while the
   * previous list was on its way would otherwise be replaced by that list, and a moderator would act on items of
   * the queue they left.
   */
  private listRequests = 0;
  private current = 0;
  /** Comments with a decision on its way: a second key press or click on one does nothing. */
  private readonly deciding = new Set<string>();
  /** A bulk action or a ban on its way: another is not sent until it ends. */
  private busy = false;
  private readonly selected = new Set<string>();
  private counts: Counts | null = null;
  private capped: QueueName[] = [];
  private timer: number | undefined;
  private filters: { postId?: string; reason?: string; sort?: QueueSort; lane?: 'likely-fine' } = {};
  /** Which list (queue and filters) the items on screen are of. */
  private listShown = '';
  /** The list asked for could not be read, and nothing of it is on screen. */
  private loadFailed = false;
  private readonly learning: LearningPanel;
  private readonly list = byId<HTMLOListElement>('items');
  private readonly drawer: Drawer;
  private banTarget: { userId: string; name: string } | null = null;
  /** Told of every single decision made here (the undo bar offers to take it back). */
  decided: (item: QueueItem, action: 'approve' | 'reject') => void = () => undefined;

  constructor(
    private readonly api: Api,
    private readonly say: (message: string) => void,
  ) {
    this.drawer = new Drawer(api, {
      ban: (userId, name) => this.openBan(userId, name),
      changed: (message) => {
        this.say(message);
        void this.refresh();
      },
      failed: (err) => this.fail(err),
    });
    this.learning = new LearningPanel(api, say);
    this.buildTabs();
    this.list.addEventListener('click', (e) => this.onListClick(e));
    this.list.addEventListener('change', (e) => {
      const box = e.target as HTMLInputElement;
      const id = box.closest<HTMLElement>('.item')?.dataset.id;
      if (box.classList.contains('select') && id) this.toggle(id, box.checked);
    });
    this.list.addEventListener('focusin', (e) => {
      const li = (e.target as HTMLElement).closest<HTMLElement>('.item');
      const i = li ? this.items.findIndex((x) => x.id === li.dataset.id) : -1;
      if (i >= 0 && i !== this.current) this.setCurrent(i, false);
    });
    byId('more').addEventListener('click', () => void this.loadMore());
    byId('load-retry').addEventListener('click', () => void this.load().then(() => this.focusCurrent()));
    byId('bulk-approve').addEventListener('click', () => void this.bulk('approve'));
    byId('bulk-reject').addEventListener('click', () => void this.bulk('reject'));
    byId('help-button').addEventListener('click', () => byId<HTMLDialogElement>('help').showModal());
    byId('help-close').addEventListener('click', () => byId<HTMLDialogElement>('help').close());
    byId('dashboard').addEventListener('click', () => void this.openDashboard());
    byId('select-all').addEventListener('click', () => {
      // A bulk action takes at most BULK_MAX comments: the first ones listed.
      for (const item of this.items.slice(0, BULK_MAX)) this.toggle(item.id, true);
      if (this.items.length > BULK_MAX)
        this.say(`Selected the first ${BULK_MAX} comments: a bulk action takes at most ${BULK_MAX}.`);
    });
    const filters = byId<HTMLFormElement>('filters');
    filters.addEventListener('submit', (e) => {
      e.preventDefault();
      const data = new FormData(filters);
      this.filters = {
        postId: String(data.get('postId') ?? '').trim() || undefined,
        reason: String(data.get('reason') ?? '') || undefined,
        sort: data.get('sort') === 'risk' ? 'risk' : undefined,
        lane: data.get('lane') === 'likely-fine' ? 'likely-fine' : undefined,
      };
      void this.load();
    });
    const ban = byId<HTMLFormElement>('ban-form');
    ban.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submitBan(ban);
    });
    byId('ban-cancel').addEventListener('click', () => byId<HTMLDialogElement>('ban-dialog').close());
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  async start(): Promise<void> {
    const user = this.api.session!;
    byId('who').textContent = `${user.name} · ${user.role} of ${user.siteId}`;
    // Only the operator's admins may open it (QUEUE_DASHBOARD_SITE): the API says whether this one may.
    byId('dashboard').hidden = true;
    if (user.role === 'admin')
      void this.api.dashboardAvailable().then(
        ({ available }) => {
          byId('dashboard').hidden = !available;
        },
        () => undefined,
      );
    this.queue = 'pending';
    this.filters = {};
    byId<HTMLFormElement>('filters').reset();
    await Promise.all([this.pollCounts(), this.load(), this.learning.show(user.role === 'admin')]);
    this.timer = window.setInterval(() => void this.pollCounts(), POLL_MS);
    this.focusCurrent();
  }

  stop(): void {
    window.clearInterval(this.timer);
    this.items = [];
    this.selected.clear();
    this.list.replaceChildren();
    if (this.drawer.isOpen) this.drawer.close();
  }

  private buildTabs(): void {
    const tabs = byId('tabs');
    for (const [i, q] of QUEUES.entries()) {
      const tab = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `tab-${q.name}`,
          'aria-controls': 'items',
          'data-queue': q.name,
          title: `${q.label} (${i + 1})`,
        },
        q.label,
        ' ',
        h('span', { class: 'count', id: `count-${q.name}` }, '…'),
      );
      tab.addEventListener('click', () => void this.switchTo(q.name));
      tabs.append(tab);
    }
    // The tab list is one stop for Tab; arrow keys, Home and End move between the queues.
    tabs.addEventListener('keydown', (e) => {
      const i = QUEUES.findIndex((q) => q.name === this.queue);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: QUEUES.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      const q = QUEUES[(next + QUEUES.length) % QUEUES.length]!;
      void this.switchTo(q.name).then(() => byId(`tab-${q.name}`).focus());
    });
  }

  private async switchTo(queue: QueueName): Promise<void> {
    this.queue = queue;
    await this.load();
    this.focusCurrent();
  }

  private renderTabs(): void {
    for (const q of QUEUES) {
      const tab = byId(`tab-${q.name}`);
      tab.setAttribute('aria-selected', String(q.name === this.queue));
      tab.tabIndex = q.name === this.queue ? 0 : -1;
      byId(`count-${q.name}`).textContent = this.counts
        ? `${this.counts[q.name]}${this.capped.includes(q.name) ? '+' : ''}`
        : '…';
    }
  }

  /**
   * Counts, polled: when the current queue's count changes, and every `REREAD_EVERY` polls whatever it says (one
   * comment decided as another joins leaves it as it was), what joined the queue is brought in (`fetchNew`).
   */
  private async pollCounts(): Promise<void> {
    try {
      const previous = this.counts;
      ({ counts: this.counts, capped: this.capped } = await this.api.counts());
      this.renderTabs();
      this.polls++;
      if (previous && (this.counts[this.queue] !== previous[this.queue] || this.polls % REREAD_EVERY === 0))
        await this.fetchNew();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) this.say('Could not refresh the counts; retrying.');
    }
  }

  /** The filters as the current queue takes them: the likely-fine lane is part of the pending queue only. */
  private get query() {
    return { ...this.filters, lane: this.queue === 'pending' ? this.filters.lane : undefined };
  }

  /** With the likely-fine lane open: its level, what waits in it, and its precision measured from decisions. */
  private async renderLane(): Promise<void> {
    const lane = byId('lane-info');
    const inLane = this.query.lane !== undefined;
    lane.hidden = !inLane;
    byId('select-all').hidden = !inLane;
    if (!inLane) return;
    try {
      const { likelyFine: f } = await this.api.likelyFine();
      lane.textContent =
        `Likely fine: held comments scored below ${f.below}. ${f.waiting} waiting. ` +
        (f.precision === null
          ? 'No comment from this lane decided one at a time yet: its precision is not measured.'
          : `Measured precision ${Math.round(f.precision * 100)}%: ${f.approved} of ${f.decided} decided one at a time from this lane were approved.`) +
        (f.bulkDecided > 0
          ? ` ${f.bulkDecided} decided in bulk ${f.bulkDecided === 1 ? 'is' : 'are'} not counted: a bulk action is not a reading.`
          : '');
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * Brings in what joined the queue without moving the moderator: a new comment, and an older one that joined it
   * late (a report threshold reached, an edit held, an undo). The queue is read again from the top, a page of 100 at a
   * time, to the page that reaches past the last comment shown (at most `REREAD_PAGES`), and each comment not shown
   * yet takes its place in the server's order, after the nearest comment shown before it. When every page was loaded,
   * the new ones in that last page come too and any after it wait behind "Load more"; otherwise what lies beyond the
   * comments shown stays behind it.
   */
  private async fetchNew(): Promise<void> {
    // One reading at a time: a second asked for meanwhile runs once after it, on the list as it then is.
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.readAgain = false;
          await this.readNew();
        } while (this.readAgain);
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  private async readNew(): Promise<void> {
    // Nothing on screen: the first page is read again.
    if (this.items.length === 0) return this.load();
    const asked = this.listRequests;
    const last = this.items[this.items.length - 1]!.id;
    const byTime = this.filters.sort !== 'risk';
    const oldestFirst = OLDEST_FIRST[this.queue];
    // Past the last comment shown, in the queue's order (ids are times).
    const past = (id: string) => byTime && (oldestFirst ? id >= last : id <= last);
    const range: QueueItem[] = [];
    const read = new Set<string>();
    let cursor: string | null = null;
    let reached = false;
    for (let pages = 0; pages < REREAD_PAGES; pages++) {
      const page = await this.api.queue(this.queue, { ...this.query, ...(cursor ? { cursor } : {}), limit: 100 });
      if (asked !== this.listRequests) return;
      // A comment scored again between two pages may come twice in the order by risk: it is taken once.
      for (const item of page.items) if (!read.has(item.id) && read.add(item.id)) range.push(item);
      cursor = page.nextCursor;
      reached = page.items.some((i) => past(i.id) || i.id === last);
      if (!cursor || reached) break;
    }
    const allLoaded = this.nextCursor === null;
    // The reading stopped short of the comments shown (more came than it reads): the list is read again whole.
    if (!reached && cursor !== null && byTime) return this.load();
    const lastAt = range.findIndex((i) => i.id === last);
    // By risk, the range on screen ends where the last comment shown is; gone (decided meanwhile), it is not known.
    const onScreen = byTime
      ? range.filter((i) => !past(i.id) || i.id === last)
      : lastAt >= 0
        ? range.slice(0, lastAt + 1)
        : [];
    if (allLoaded && cursor !== null) {
      // Everything was loaded and the queue goes on past what was read: the rest is behind "Load more".
      this.nextCursor = cursor;
      byId('more').hidden = false;
    }
    const within = allLoaded ? range : onScreen;
    // What is on screen now (a decision or "Load more" may have changed it while the pages were read).
    const shown = new Set(this.items.map((i) => i.id));
    const fresh = within.filter((i) => !shown.has(i.id));
    // Nothing new: the list is left as it is (drawing it again would blur again what the moderator revealed).
    if (fresh.length === 0) return;
    const currentId = this.items[this.current]?.id;
    const items = [...this.items];
    let after: string | null = null;
    for (const item of within) {
      if (shown.has(item.id)) {
        after = item.id;
        continue;
      }
      // After the nearest comment before it that is still on screen; none, first.
      const at = after === null ? 0 : items.findIndex((x) => x.id === after) + 1;
      items.splice(at, 0, item);
      after = item.id;
    }
    this.items = items;
    this.insertFresh();
    const i = currentId ? this.items.findIndex((x) => x.id === currentId) : 0;
    this.setCurrent(Math.max(0, i), false);
    this.say(`${fresh.length} new comment${fresh.length === 1 ? '' : 's'} in ${this.queue}.`);
  }

  private async load(): Promise<void> {
    const asked = ++this.listRequests;
    const list = JSON.stringify([this.queue, this.query]);
    this.selected.clear();
    this.renderTabs();
    try {
      const page = await this.api.queue(this.queue, { ...this.query, limit: PAGE });
      if (asked !== this.listRequests) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.listShown = list;
      this.loadFailed = false;
      this.current = 0;
    } catch (err) {
      if (asked !== this.listRequests) return;
      this.fail(err);
      // A list read again keeps what it showed; another queue's (or filter's) comments are not this one's.
      if (this.listShown !== list) {
        this.items = [];
        this.nextCursor = null;
        this.listShown = list;
        this.loadFailed = true;
        this.current = 0;
      }
    }
    this.current = Math.min(this.current, Math.max(0, this.items.length - 1));
    this.renderList();
    await this.renderLane();
  }

  private async loadMore(): Promise<void> {
    if (!this.nextCursor) return;
    const asked = this.listRequests;
    const cursor = this.nextCursor;
    const page = await this.api.queue(this.queue, { ...this.query, cursor, limit: PAGE });
    if (asked !== this.listRequests) return;
    const shown = new Set(this.items.map((i) => i.id));
    this.items.push(...page.items.filter((i) => !shown.has(i.id)));
    this.nextCursor = page.nextCursor;
    this.renderList();
    this.setCurrent(this.current, true);
  }

  /** Reads counts and the current queue again (after an undo). */
  async reload(): Promise<void> {
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    await Promise.all([this.pollCounts(), this.load()]);
  }

  private renderList(): void {
    this.list.replaceChildren(
      ...this.items.map((item, i) => {
        const li = renderItem(item, this.queue, this.selected.has(item.id));
        if (i === this.current) li.classList.add('current');
        return li;
      }),
    );
    byId('empty').hidden = this.items.length > 0 || this.loadFailed;
    byId('load-failed').hidden = !this.loadFailed || this.items.length > 0;
    byId('more').hidden = !this.nextCursor;
    this.renderSelection();
  }

  /**
   * Draws the items not on the page yet in their places, leaving those shown as they are: the element in focus
   * keeps it (a keyboard or screen-reader user keeps their place) and a revealed severe comment stays revealed.
   */
  private insertFresh(): void {
    const shown = new Map([...this.list.children].map((li) => [(li as HTMLElement).dataset.id, li]));
    let before = this.list.firstElementChild;
    for (const item of this.items) {
      const li = shown.get(item.id);
      if (li) before = li.nextElementSibling;
      else this.list.insertBefore(renderItem(item, this.queue, this.selected.has(item.id)), before);
    }
    byId('empty').hidden = this.items.length > 0 || this.loadFailed;
    byId('load-failed').hidden = !this.loadFailed || this.items.length > 0;
    byId('more').hidden = !this.nextCursor;
  }

  private renderSelection(): void {
    byId('selected-count').textContent = `${this.selected.size} selected`;
    byId<HTMLButtonElement>('bulk-approve').disabled = this.selected.size === 0;
    byId<HTMLButtonElement>('bulk-reject').disabled = this.selected.size === 0;
  }

  private toggle(id: string, on = !this.selected.has(id)): void {
    if (on) this.selected.add(id);
    else this.selected.delete(id);
    const box = this.list.querySelector<HTMLInputElement>(`.item[data-id="${CSS.escape(id)}"] .select`);
    if (box) box.checked = on;
    this.renderSelection();
  }

  private setCurrent(i: number, focus: boolean): void {
    if (this.items.length === 0) return;
    this.current = Math.min(Math.max(0, i), this.items.length - 1);
    for (const li of this.list.querySelectorAll('.item.current')) li.classList.remove('current');
    const li = this.list.children[this.current] as HTMLElement | undefined;
    li?.classList.add('current');
    if (focus && li) {
      li.focus();
      li.scrollIntoView({ block: 'nearest' });
    }
  }

  /**
   * Focuses the current comment (the queue's tab when the list is empty), unless the moderator has gone elsewhere
   * meanwhile (search, the reader's history, a dialog): an answer that arrives late must not bring the focus back,
   * where the letters they type would act on the queue.
   */
  private focusCurrent(): void {
    const at = document.activeElement;
    if (at && at !== document.body && !at.closest(QUEUE_SCOPE)) return;
    if (this.items.length > 0) this.setCurrent(this.current, true);
    else byId(`tab-${this.queue}`).focus();
  }

  private onListClick(e: MouseEvent): void {
    const button = (e.target as HTMLElement).closest<HTMLElement>('[data-act]');
    const li = (e.target as HTMLElement).closest<HTMLElement>('.item');
    const i = li ? this.items.findIndex((x) => x.id === li.dataset.id) : -1;
    if (!button || i < 0) return;
    this.setCurrent(i, false);
    const act = button.dataset.act;
    if (act === 'approve' || act === 'reject') void this.decide(i, act);
    else if (act === 'ban') this.openBan(this.items[i]!.author.id, this.items[i]!.author.name);
    else if (act === 'history') void this.drawer.open(this.items[i]!.author.id);
    else if (act === 'feature') void this.feature(i);
  }

  /** Features an approved comment at the top of its thread, or takes it back; the item stays. */
  private async feature(i: number): Promise<void> {
    const item = this.items[i];
    if (!item) return;
    const featured = !item.featured;
    try {
      await this.api.feature(item.id, featured);
    } catch (err) {
      this.fail(err);
      return;
    }
    item.featured = featured;
    this.renderList();
    this.focusCurrent();
    this.say(`${featured ? 'Featured' : 'Unfeatured'} the comment by ${item.author.name}.`);
  }

  /** One decision: the item leaves the list, the next one becomes current, the counts follow. */
  private async decide(i: number, action: 'approve' | 'reject'): Promise<void> {
    const item = this.items[i];
    if (!item) return;
    if (
      this.deciding.has(item.id) ||
      (action === 'approve' && item.status === 'approved' && this.queue !== 'reported' && item.openReports === 0) ||
      (action === 'reject' && item.status === 'rejected')
    )
      return;
    this.deciding.add(item.id);
    try {
      await this.api.decide(item, action);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'comment_edited') await this.editedMeanwhile([item.id]);
      else if (err instanceof ApiError && err.code === 'changed') {
        // Decided by someone else since the list was loaded: left as it is, and no longer in this queue.
        this.removeItems([item.id]);
        this.say(
          `The comment by ${item.author.name} had been decided by someone else meanwhile: it was left as it is.`,
        );
        await this.pollCounts();
      } else this.fail(err);
      return;
    } finally {
      this.deciding.delete(item.id);
    }
    if (action === 'approve' && (this.queue === 'approved' || this.queue === 'review')) {
      // Kept: it stays in this queue, its reports closed.
      const now = new Date().toISOString();
      item.openReports = 0;
      for (const r of item.reports) r.resolvedAt ??= now;
      this.renderList();
      this.focusCurrent();
    } else this.removeItems([item.id]);
    this.decided(item, action);
    this.say(
      `${action === 'approve' ? (item.status === 'approved' ? 'Kept' : 'Approved') : 'Rejected'} the comment by ${item.author.name}.`,
    );
    await this.pollCounts();
  }

  private removeItems(ids: string[]): void {
    const gone = new Set(ids);
    this.items = this.items.filter((x) => !gone.has(x.id));
    for (const id of ids) this.selected.delete(id);
    this.current = Math.min(this.current, Math.max(0, this.items.length - 1));
    this.renderList();
    this.focusCurrent();
  }

  /**
   * Comments whose authors edited them after they were shown: left as they were, and read again from the server so
   * the moderator decides the text that would be published.
   */
  private async editedMeanwhile(ids: string[], said = ''): Promise<void> {
    const current = this.items[this.current]?.id;
    await this.load();
    const at = this.items.findIndex((x) => x.id === (ids[0] ?? current));
    if (at >= 0) this.setCurrent(at, true);
    this.say(
      `${said}${ids.length === 1 ? 'Its author edited this comment' : `The authors of ${ids.length} comments edited them`} after it was shown: nothing was decided. The new text is shown; read it and decide again.`,
    );
  }

  private async bulk(action: 'approve' | 'reject'): Promise<void> {
    const ids = [...this.selected];
    if (ids.length === 0 || this.busy) return;
    this.busy = true;
    try {
      const items = this.items.filter((x) => this.selected.has(x.id));
      const { results } = await this.api.bulk(items, action, STATUS_OF_QUEUE[this.queue]);
      const done = results.filter((r) => r.ok).map((r) => r.id);
      // Decided by someone else since the list was loaded: left as they are, and no longer in this queue.
      const changed = results.filter((r) => r.error?.code === 'changed').map((r) => r.id);
      const edited = results.filter((r) => r.error?.code === 'comment_edited').map((r) => r.id);
      // Deleted by its author meanwhile, or not decided for another reason: still selected, said.
      const gone = results.filter((r) => r.error?.code === 'not_found').map((r) => r.id);
      const failed = results.filter(
        (r) => !r.ok && !['changed', 'comment_edited', 'not_found'].includes(r.error?.code ?? ''),
      ).length;
      this.removeItems([...done, ...changed, ...gone]);
      const said =
        `${action === 'approve' ? 'Approved' : 'Rejected'} ${done.length} of ${ids.length} comments.` +
        (changed.length > 0
          ? ` ${changed.length} had been decided by someone else meanwhile and were left as they are.`
          : '') +
        (gone.length > 0 ? ` ${gone.length} no longer exist (deleted by their authors).` : '') +
        (failed > 0 ? ` ${failed} could not be decided and are still selected: try again.` : '');
      if (edited.length > 0) await this.editedMeanwhile(edited, `${said} `);
      else this.say(said);
      await Promise.all([this.pollCounts(), this.renderLane(), this.learning.refresh()]);
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  private openBan(userId: string, name: string): void {
    this.banTarget = { userId, name };
    byId('ban-name').textContent = name;
    const form = byId<HTMLFormElement>('ban-form');
    form.reset();
    byId<HTMLDialogElement>('ban-dialog').showModal();
    byId<HTMLInputElement>('ban-reason').focus();
  }

  private async submitBan(form: HTMLFormElement): Promise<void> {
    const target = this.banTarget;
    if (!target || this.busy) return;
    const data = new FormData(form);
    const submit = form.querySelector<HTMLButtonElement>('button[type=submit]');
    this.busy = true;
    if (submit) submit.disabled = true;
    try {
      const { task } = await this.api.reader(target.userId, 'ban', {
        reason: String(data.get('reason')).trim(),
        rejectExisting: data.get('rejectExisting') === 'on',
      });
      byId<HTMLDialogElement>('ban-dialog').close();
      this.say(`${target.name} is banned.`);
      if (task) await this.follow(task.id, target.name);
      await this.refresh();
      if (this.drawer.isOpen && this.drawer.userId === target.userId) await this.drawer.open(target.userId);
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
      if (submit) submit.disabled = false;
    }
  }

  /** Follows a background task until it ends, saying its progress. */
  private async follow(taskId: string, name: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const { task } = await this.api.task(taskId);
      const p = typeof task.progress === 'object' ? task.progress : null;
      if (task.state === 'completed') {
        this.say(`${name} is banned; ${p?.done ?? 0} comments rejected.`);
        return;
      }
      if (task.state === 'failed') {
        this.say(`Rejecting ${name}'s comments failed: ${task.failedReason ?? 'unknown error'}`);
        return;
      }
      this.say(p ? `Rejecting ${name}'s comments: ${p.done} of ${p.total}…` : `Rejecting ${name}'s comments…`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async openDashboard(): Promise<void> {
    try {
      const { url } = await this.api.dashboardSession();
      window.open(url, '_blank', 'noopener');
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.say(err instanceof Error ? `Error: ${err.message}` : 'Something went wrong.');
  }

  private onKey(e: KeyboardEvent): void {
    if (byId('workspace').hidden || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement;
    // A comment's selection box is part of the queue: the keys still act there.
    if (target.closest('input:not(.select), textarea, select, dialog')) return;
    if (e.key === 'Escape' && this.drawer.isOpen) {
      this.drawer.close();
      return;
    }
    // The queue's keys act on its current comment only while the queue has the focus (or nothing has):
    // elsewhere (search results, the DSA panel, the reader's history) they would act on a comment out of sight.
    if (e.key !== '?' && target !== document.body && !target.closest(QUEUE_SCOPE)) return;
    // A held key repeats: it may move through the list, never decide comments nobody has read.
    if (e.repeat && e.key !== 'j' && e.key !== 'k') {
      e.preventDefault();
      return;
    }
    const item = this.items[this.current];
    // Letters are read whatever Caps Lock says: the bulk actions take Shift, never Caps Lock alone.
    const key = /^[a-zA-Z]$/.test(e.key) ? (e.shiftKey ? e.key.toUpperCase() : e.key.toLowerCase()) : e.key;
    const handled = (() => {
      switch (key) {
        case 'j':
          this.setCurrent(this.current + 1, true);
          return true;
        case 'k':
          this.setCurrent(this.current - 1, true);
          return true;
        case 'a':
          void this.decide(this.current, 'approve');
          return true;
        case 'r':
          void this.decide(this.current, 'reject');
          return true;
        case 'x':
          if (item) this.toggle(item.id);
          return true;
        case 'b':
          if (item) this.openBan(item.author.id, item.author.name);
          return true;
        case 'h':
          if (item) void this.drawer.open(item.author.id);
          return true;
        case 'A':
          void this.bulk('approve');
          return true;
        case 'R':
          void this.bulk('reject');
          return true;
        case '?':
          byId<HTMLDialogElement>('help').showModal();
          byId('help-close').focus();
          return true;
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
          void this.switchTo(QUEUES[Number(e.key) - 1]!.name);
          return true;
        default:
          return false;
      }
    })();
    if (handled) e.preventDefault();
  }
}
