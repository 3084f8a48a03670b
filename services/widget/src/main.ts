import { Session, type HostConfig } from './session.js';
import { Widget } from './widget.js';
import { call } from './api.js';
import { pickLang, plural, translator } from './i18n.js';

/** What the host page calls: `Comments.login(ssoToken)` after its own sign-in, `Comments.logout()`. */
export interface CommentsApi {
  login(ssoToken: string, siteId?: string): Promise<void>;
  logout(siteId?: string): void;
}

declare global {
  interface Window {
    Comments?: CommentsApi;
    commentsConfig?: HostConfig;
  }
}

performance.mark?.('comments:script');

// The API is wherever this script came from (…/embed.js), unless the container names it.
const script = document.currentScript as HTMLScriptElement | null;
const scriptBase = script?.src ? script.src.replace(/\/embed\.js(?:[?#].*)?$/, '') : location.origin;
const sessions = new Map<string, Session>();
const hostConfig: HostConfig = window.commentsConfig ?? {};

function sessionFor(base: string, siteId: string): Session {
  let s = sessions.get(siteId);
  if (!s) {
    s = new Session(base, siteId, hostConfig);
    sessions.set(siteId, s);
  }
  return s;
}

function onlySite(siteId?: string): Session {
  const s = siteId ? sessions.get(siteId) : sessions.values().next().value;
  if (!s) throw new Error('no comment section on this page');
  return s;
}

function boot(): void {
  const hosts = document.querySelectorAll<HTMLElement>(
    // Elements missing data-site or data-post too, so the page's developer is told what is missing.
    '#comments[data-site], #comments[data-post], [data-comments]',
  );
  for (const el of hosts) {
    if (el.shadowRoot) continue;
    const base = (el.dataset.api || scriptBase).replace(/\/$/, '');
    const session = sessionFor(base, el.dataset.site ?? '');
    const widget = new Widget(el, { base, session });
    void widget.start();
  }
  for (const s of sessions.values()) void s.renew();
  void fillCounts();
  markReady();
}

/**
 * Home pages: `<span data-comments-count data-site="…" data-post="…"></span>` gets "N comments", one request
 * per site and service address for up to 50 posts (the site and the address may also be given once, on the script
 * tag's `data-site` and `data-api`).
 */
async function fillCounts(): Promise<void> {
  const els = [...document.querySelectorAll<HTMLElement>('[data-comments-count][data-post]')];
  // By site and by the service's address: `embed.js` served from a CDN names the service in `data-api`.
  const bySite = new Map<string, { site: string; base: string; list: HTMLElement[] }>();
  for (const el of els) {
    const site = el.dataset.site || script?.dataset.site || '';
    const base = (el.dataset.api || script?.dataset.api || scriptBase).replace(/\/$/, '');
    if (!site) continue;
    const key = `${base} ${site}`;
    const group = bySite.get(key) ?? { site, base, list: [] };
    group.list.push(el);
    bySite.set(key, group);
  }
  for (const { site, base, list } of bySite.values()) {
    const lang = pickLang(list[0]!);
    const t = translator(lang);
    for (let i = 0; i < list.length; i += 50) {
      const chunk = list.slice(i, i + 50);
      const posts = [...new Set(chunk.map((el) => el.dataset.post!))].map(encodeURIComponent).join(',');
      try {
        const { counts } = await call<{ counts: Record<string, number> }>(
          base,
          `/api/v1/sites/${encodeURIComponent(site)}/counts?posts=${posts}`,
        );
        for (const el of chunk) el.textContent = plural(t, lang, 'comments', counts[el.dataset.post!] ?? 0);
      } catch (err) {
        console.error('Comments: counts could not be loaded', err);
      }
    }
  }
}

let markReady: () => void = () => undefined;
const ready = new Promise<void>((resolve) => {
  markReady = () => {
    resolve();
    window.dispatchEvent(new CustomEvent('comments:ready'));
  };
});

window.Comments = {
  login: async (ssoToken, siteId) => {
    await ready;
    await onlySite(siteId).loginWithSso(ssoToken);
  },
  logout: (siteId) => onlySite(siteId).logout(),
};

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
