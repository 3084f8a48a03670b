import type { Api } from './api.js';
import type { ReaderHistory } from './types.js';
import { byId, day, h, when } from './dom.js';
import { blurred } from './item.js';

/** The reader's history drawer: who they are, what they wrote, what moderators did, and actions on them. */
export class Drawer {
  private readonly el = byId('drawer');
  private readonly body = byId('drawer-body');
  private returnFocus: HTMLElement | null = null;
  userId: string | null = null;

  constructor(
    private readonly api: Api,
    private readonly actions: {
      ban(userId: string, name: string): void;
      changed(message: string): void;
      failed(err: unknown): void;
    },
  ) {
    byId('drawer-close').addEventListener('click', () => this.close());
  }

  get isOpen(): boolean {
    return !this.el.hidden;
  }

  async open(userId: string): Promise<void> {
    this.returnFocus = document.activeElement as HTMLElement | null;
    this.userId = userId;
    this.el.hidden = false;
    byId('drawer-title').textContent = 'Reader history';
    this.body.replaceChildren(h('p', { class: 'meta' }, 'Loading…'));
    try {
      this.render(await this.api.history(userId));
    } catch (err) {
      this.actions.failed(err);
      this.body.replaceChildren(h('p', { class: 'error' }, 'Could not load this reader.'));
    }
    byId('drawer-close').focus();
  }

  close(): void {
    this.el.hidden = true;
    this.userId = null;
    this.returnFocus?.focus();
  }

  private render(r: ReaderHistory): void {
    const u = r.user;
    byId('drawer-title').textContent = u.name;
    const buttons: HTMLButtonElement[] = [];
    const add = (label: string, run: () => Promise<unknown>, done: string) => {
      const b = h('button', { type: 'button' }, label);
      b.addEventListener('click', async () => {
        try {
          await run();
          this.actions.changed(done);
          await this.open(u.id);
        } catch (err) {
          this.actions.failed(err);
        }
      });
      buttons.push(b);
    };
    if (u.role === 'commenter' || u.role === 'moderator') {
      if (u.status !== 'banned') {
        const ban = h('button', { type: 'button' }, 'Ban…');
        ban.addEventListener('click', () => this.actions.ban(u.id, u.name));
        buttons.push(ban);
      }
      if (u.status === 'active') {
        add(
          'Suspend 24 hours',
          () =>
            this.api.reader(u.id, 'suspend', {
              until: new Date(Date.now() + 86_400_000).toISOString(),
              reason: 'suspended from the moderation page',
            }),
          `${u.name} is suspended for 24 hours`,
        );
      } else {
        add(
          u.status === 'banned' ? 'Unban' : 'End suspension',
          () => this.api.reader(u.id, 'unban', {}),
          `${u.name} may comment again`,
        );
      }
      add(
        u.premod ? 'Stop pre-moderating' : 'Always pre-moderate',
        () => this.api.reader(u.id, 'premod', { enabled: !u.premod }),
        u.premod ? `${u.name} is no longer pre-moderated` : `${u.name}'s comments will be held for review`,
      );
    }
    this.body.replaceChildren(
      h(
        'p',
        { class: 'meta' },
        `${u.role} · joined ${day(u.joinedAt)} · ${u.approvedCount} approved · ${u.rejectedCount} rejected · `,
        h(
          'strong',
          {},
          u.status === 'suspended' && u.suspendedUntil ? `suspended until ${when(u.suspendedUntil)}` : u.status,
        ),
        u.premod ? ' · pre-moderated' : '',
      ),
      h('div', { class: 'actions' }, ...buttons),
      h('h3', {}, 'Comments'),
      r.comments.length
        ? h(
            'ol',
            { class: 'history' },
            ...r.comments.map((c) =>
              h(
                'li',
                {},
                h('span', { class: `badge ${c.status}` }, c.status),
                ' ',
                h('span', { class: 'meta' }, `${when(c.createdAt)} on ${c.postTitle}`),
                c.severe ? blurred(h('p', { class: 'body' }, c.body)) : h('p', { class: 'body' }, c.body),
              ),
            ),
          )
        : h('p', { class: 'meta' }, 'No comments yet.'),
      h('h3', {}, 'Moderation'),
      r.audit.length
        ? h(
            'ol',
            { class: 'history' },
            ...r.audit.map((e) =>
              h(
                'li',
                {},
                h('span', { class: 'meta' }, `${when(e.createdAt)} · ${e.actor.name}: `),
                e.action,
                e.reason ? ` — ${e.reason}` : '',
              ),
            ),
          )
        : h('p', { class: 'meta' }, 'No actions yet.'),
    );
  }
}
