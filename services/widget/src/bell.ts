import { ApiError, call } from './api.js';
import { h } from './dom.js';
import type { Translate } from './i18n.js';
import type { Session } from './session.js';
import type { timeTexts } from './time.js';

interface Notification {
  id: string;
  kind: 'reply' | 'decision' | 'featured';
  status: 'approved' | 'rejected' | null;
  createdAt: string;
  read: boolean;
  comment: { id: string; postId: string; excerpt: string };
  post: { title: string; url: string };
  from: { id: string; name: string } | null;
}
interface Settings {
  email: 'off' | 'immediate' | 'daily';
  canEmail: boolean;
  delivery: 'email' | 'webhook';
}

let seq = 0;

/**
 * The reader's notifications: a bell with the unread count, kept current over the reader's own
 * event stream, a list that opens under it (marked read when opened), and the email choice.
 */
export function bell(o: {
  base: string;
  siteId: string;
  session: Session;
  t: Translate;
  time: ReturnType<typeof timeTexts>;
  /** More of the reader's own settings, shown under the list (the muted readers). */
  extra?: HTMLElement;
}): { el: HTMLElement; stop(): void } {
  const { t } = o;
  const id = `c-notes-${++seq}`;
  const path = `/api/v1/sites/${encodeURIComponent(o.siteId)}/notifications`;
  const count = h('span', { class: 'count', 'aria-hidden': 'true', hidden: true });
  const button = h(
    'button',
    { type: 'button', class: 'bell', 'aria-expanded': 'false', 'aria-controls': id },
    bellIcon(),
    count,
  );
  const list = h('ul', { class: 'notes' });
  const emailId = `${id}-email`;
  const email = h(
    'select',
    { id: emailId },
    h('option', { value: 'off' }, t('emailOff')),
    h('option', { value: 'immediate' }, t('emailImmediate')),
    h('option', { value: 'daily' }, t('emailDaily')),
  );
  const emailRow = h('p', { class: 'email', hidden: true }, h('label', { for: emailId }, t('emailMe')), email);
  const panel = h(
    'div',
    { id, class: 'panel', hidden: true },
    h('h3', {}, t('notifications')),
    list,
    emailRow,
    o.extra ?? null,
  );
  let alive = true;
  // The unread notifications the list shows now: opening the bell marks those read, not any that came after.
  // (null: more are unread than shown, and all are marked.)
  let shownUnread: string[] | null = [];

  const authed = <T>(p: string, init: { method?: string; body?: unknown } = {}) =>
    o.session.authed((token) => call<T>(o.base, path + p, { ...init, token, cache: 'no-store' }));

  const setCount = (n: number) => {
    count.textContent = n > 99 ? '99+' : String(n);
    count.hidden = n === 0;
    button.setAttribute('aria-label', n > 0 ? t('notificationsUnread', { n }) : t('notifications'));
  };
  const text = (n: Notification): string => {
    if (n.kind === 'reply') return t('noteReply', { name: n.from?.name ?? '', title: n.post.title });
    if (n.kind === 'featured') return t('noteFeatured', { title: n.post.title });
    return t(n.status === 'approved' ? 'notePublished' : 'noteRejected', { title: n.post.title });
  };
  const render = (items: Notification[]) => {
    list.replaceChildren(
      ...(items.length === 0
        ? [h('li', {}, t('noNotifications'))]
        : items.map((n) =>
            h(
              'li',
              { class: n.read ? '' : 'unread' },
              /^https?:\/\//i.test(n.post.url) ? h('a', { href: n.post.url, target: '_top' }, text(n)) : text(n),
              h('q', {}, n.comment.excerpt),
              h('time', { datetime: n.createdAt, title: o.time.full(n.createdAt) }, o.time.relative(n.createdAt)),
            ),
          )),
    );
  };
  const refresh = async () => {
    try {
      const r = await authed<{ notifications: Notification[]; unread: number }>('?limit=20');
      setCount(r.unread);
      render(r.notifications);
      // More unread than the list shows: opening it marks them all read, as the count says.
      const shown = r.notifications.filter((n) => !n.read).map((n) => n.id);
      shownUnread = r.unread > shown.length ? null : shown;
    } catch {
      /* the next event tries again */
    }
  };

  button.addEventListener('click', async () => {
    const open = panel.hidden;
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (!open) return;
    await refresh();
    try {
      const s = await authed<Settings>('/settings');
      email.value = s.email;
      emailRow.hidden = !s.canEmail || s.delivery !== 'email';
    } catch {
      emailRow.hidden = true;
    }
    if (shownUnread === null || shownUnread.length > 0) {
      const body = shownUnread === null ? {} : { ids: shownUnread };
      const r = await authed<{ unread: number }>('/read', { method: 'POST', body }).catch(() => null);
      if (r) setCount(r.unread);
    }
  });
  email.addEventListener('change', () => {
    void authed('/settings', { method: 'PUT', body: { email: email.value } }).catch(() => undefined);
  });

  // The reader's stream, read with fetch: EventSource cannot send the Authorization header.
  const follow = async () => {
    let delay = 1000;
    while (alive && o.session.user) {
      const ctrl = new AbortController();
      stopStream = () => ctrl.abort();
      try {
        const res = await o.session.authed(async (token) => {
          const r = await fetch(`${o.base}${path}/events`, {
            headers: { Authorization: `Bearer ${token}` },
            credentials: 'omit',
            cache: 'no-store',
            signal: ctrl.signal,
          });
          if (!r.ok || !r.body) throw new ApiError(r.status, 'stream', 'stream refused', null);
          return r;
        });
        delay = 1000;
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let buffered = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffered += decoder.decode(value, { stream: true });
          const events = buffered.split('\n\n');
          buffered = events.pop() ?? '';
          if (events.some((e) => e.includes('event: notifications'))) void refresh();
        }
      } catch {
        /* dropped or refused: wait and open again */
      }
      if (!alive) return;
      // Spread at random: readers dropped together (a restart) do not all come back together.
      await new Promise((r) => setTimeout(r, delay / 2 + Math.random() * (delay / 2)));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  let stopStream: () => void = () => undefined;
  setCount(0);
  void refresh();
  void follow();
  return {
    el: h('div', { class: 'notify' }, button, panel),
    stop() {
      alive = false;
      stopStream();
    },
  };
}

/** A bell drawn in SVG (an emoji depends on the reader's fonts). */
function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute(
    'd',
    'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z',
  );
  svg.append(path);
  return svg;
}
