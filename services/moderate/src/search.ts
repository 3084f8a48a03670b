import { ApiError, type Api } from './api.js';
import { byId, h } from './dom.js';
import { renderItem } from './item.js';
import type { QueueItem } from './types.js';

export type SearchBy = 'q' | 'author' | 'postId' | 'commentId';
const PAGE = 25;

/**
 * Search across the site's comments, whatever their status: the results list beside the queues,
 * each with approve and reject (told to `decided`, which offers the undo).
 */
export class SearchPanel {
  private readonly panel = byId('search-results');
  private readonly list = byId<HTMLOListElement>('search-items');
  private items: QueueItem[] = [];
  private nextCursor: string | null = null;
  private query: { by: SearchBy; value: string } | null = null;
  decided: (item: QueueItem, action: 'approve' | 'reject') => void = () => undefined;

  constructor(
    private readonly api: Api,
    private readonly say: (message: string) => void,
  ) {
    const form = byId<HTMLFormElement>('search-form');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const by = String(data.get('by') ?? 'q') as SearchBy;
      this.query = { by, value: String(data.get('value') ?? '').trim() };
      void this.load(true);
    });
    byId('search-close').addEventListener('click', () => this.close());
    byId('search-more').addEventListener('click', () => void this.loadMore());
    this.list.addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest<HTMLElement>('[data-act]');
      const id = (e.target as HTMLElement).closest<HTMLElement>('.item')?.dataset.id;
      const item = this.items.find((x) => x.id === id);
      const act = button?.dataset.act;
      if (item && (act === 'approve' || act === 'reject')) void this.decide(item, act);
    });
  }

  close(): void {
    this.panel.hidden = true;
    this.items = [];
    this.list.replaceChildren();
    this.query = null;
  }

  /** Reads the results again (after an undo or a decision elsewhere). */
  async reload(): Promise<void> {
    if (this.query && !this.panel.hidden) await this.load(false);
  }

  private async load(focus: boolean): Promise<void> {
    if (!this.query) return;
    try {
      const page = await this.api.search({ [this.query.by]: this.query.value, limit: PAGE });
      this.items = page.items;
      this.nextCursor = page.nextCursor;
    } catch (err) {
      this.say(err instanceof ApiError ? `Search: ${err.message}` : 'The search failed.');
      return;
    }
    this.panel.hidden = false;
    this.render();
    this.say(`${this.items.length}${this.nextCursor ? '+' : ''} comments found.`);
    if (focus) byId('search-title').focus();
  }

  private async loadMore(): Promise<void> {
    if (!this.query || !this.nextCursor) return;
    const page = await this.api.search({ [this.query.by]: this.query.value, cursor: this.nextCursor, limit: PAGE });
    this.items.push(...page.items);
    this.nextCursor = page.nextCursor;
    this.render();
  }

  private render(): void {
    this.list.replaceChildren(...this.items.map((item) => this.renderResult(item)));
    byId('search-empty').hidden = this.items.length > 0;
    byId('search-more').hidden = !this.nextCursor;
  }

  /** A queue item without the queue's own controls (selection, ban, history), with its status shown. */
  private renderResult(item: QueueItem): HTMLLIElement {
    const li = renderItem(item, item.status === 'approved' && item.openReports > 0 ? 'reported' : 'pending', false);
    for (const el of li.querySelectorAll('.select, [data-act=ban]')) el.remove();
    const author = li.querySelector('[data-act=history]');
    author?.replaceWith(h('strong', { class: 'author' }, item.author.name));
    li.querySelector('.item-head')?.append(h('span', { class: `badge ${item.status}` }, item.status));
    return li;
  }

  private async decide(item: QueueItem, action: 'approve' | 'reject'): Promise<void> {
    try {
      await this.api.decide(item, action);
    } catch (err) {
      this.say(`Error: ${(err as Error).message}`);
      // Edited since it was shown: the results are read again, with its new text.
      if (err instanceof ApiError && err.code === 'comment_edited') await this.reload();
      return;
    }
    this.decided(item, action);
    await this.reload();
  }
}
