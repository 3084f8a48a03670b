import { Session, type HostConfig } from './session.js';
import { Widget } from './widget.js';

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
  markReady();
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
