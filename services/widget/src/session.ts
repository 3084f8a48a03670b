import { ApiError, call, type SignedIn } from './api.js';

/** What the host page may configure through `window.commentsConfig`. */
export interface HostConfig {
  /** Returns a fresh SSO token signed by the publisher's backend, or null when the reader is signed out there. */
  getSsoToken?: () => Promise<string | null> | string | null;
  /** Called when the reader logs out from the widget. */
  onLogout?: () => void;
}

type User = SignedIn['user'];

/**
 * A reader's sign-in on one site. The access token lives only in this object: never in
 * storage, cookies or URLs. It is renewed through the host's `getSsoToken` when it expires.
 */
export class Session {
  private token: string | null = null;
  private exp = 0;
  user: User | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly base: string,
    readonly siteId: string,
    private readonly host: HostConfig,
  ) {}

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(s: SignedIn | null): void {
    this.token = s?.accessToken ?? null;
    this.user = s?.user ?? null;
    this.exp = s ? expiryOf(s.accessToken) : 0;
    for (const fn of this.listeners) fn();
  }

  /** Exchanges a publisher's SSO token for an access token. */
  async loginWithSso(ssoToken: string): Promise<void> {
    this.set(
      await call<SignedIn>(this.base, '/api/v1/auth/sso', {
        method: 'POST',
        body: { siteId: this.siteId, token: ssoToken },
      }),
    );
  }

  /** A token handed back by the sign-in popup. */
  accept(s: SignedIn): void {
    this.set(s);
  }

  logout(): void {
    this.set(null);
    this.host.onLogout?.();
  }

  /** Asks the host for an SSO token (at start-up and when the access token expires). */
  async renew(): Promise<boolean> {
    if (!this.host.getSsoToken) return false;
    const sso = await Promise.resolve(this.host.getSsoToken()).catch(() => null);
    if (!sso) return false;
    await this.loginWithSso(sso).catch(() => this.set(null));
    return this.token !== null;
  }

  /** The access token for a request, renewed first when it is about to expire. */
  async accessToken(): Promise<string | null> {
    if (this.token && this.exp - Date.now() < 30_000) await this.renew();
    return this.token;
  }

  /** Runs an authenticated call; on a 401 renews once and retries, else signs out. */
  async authed<T>(fn: (token: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken();
    if (!token) throw new ApiError(401, 'unauthorized', 'not signed in', null);
    try {
      return await fn(token);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      if (await this.renew()) return fn(this.token!);
      this.set(null);
      throw err;
    }
  }
}

function expiryOf(jwt: string): number {
  try {
    const part = jwt.split('.')[1] ?? '';
    const json = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof json.exp === 'number' ? json.exp * 1000 : Date.now() + 3_600_000;
  } catch {
    return Date.now() + 3_600_000;
  }
}

/**
 * Opens the service's own sign-in page in a popup and resolves with what it posts back.
 * Only a message from the popup itself, from the service's origin, is accepted; the popup in
 * turn posts only to this page's origin, which the service checked against the site's origins.
 */
export function loginPopup(base: string, siteId: string, lang: string): Promise<SignedIn | null> {
  const apiOrigin = new URL(base).origin;
  const url = `${base}/login?site=${encodeURIComponent(siteId)}&origin=${encodeURIComponent(location.origin)}&lang=${lang}`;
  const popup = window.open(url, 'comments-login', 'popup,width=440,height=600');
  if (!popup) return Promise.resolve(null);
  return new Promise((resolve) => {
    const done = (v: SignedIn | null) => {
      window.removeEventListener('message', onMessage);
      clearInterval(watch);
      resolve(v);
    };
    const onMessage = (e: MessageEvent) => {
      if (e.source !== popup || e.origin !== apiOrigin) return;
      const d = e.data as { type?: unknown; accessToken?: unknown; user?: SignedIn['user'] } | null;
      if (d?.type !== 'comments:signed-in' || typeof d.accessToken !== 'string' || !d.user) return;
      done({ accessToken: d.accessToken, user: d.user });
    };
    window.addEventListener('message', onMessage);
    // A message posted just before the popup closed may still be queued: give it a moment.
    const watch = setInterval(() => {
      if (popup.closed) setTimeout(() => done(null), 300);
    }, 500);
  });
}
