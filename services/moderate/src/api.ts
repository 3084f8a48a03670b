import type {
  AdapterFigures,
  Analytics,
  Surge,
  Counts,
  LikelyFine,
  QueueItem,
  QueueName,
  QueueSort,
  ReaderHistory,
  ScorerAgreement,
  SignedIn,
  Task,
} from './types.js';

/** An answer of the API that was not a success, with its error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The API as the page uses it. The access token lives only in this object (memory): never in
 * localStorage or a cookie, so closing the tab signs out and no other page can read it.
 */
export class Api {
  private token: string | null = null;
  session: SignedIn['user'] | null = null;
  onUnauthorized: () => void = () => undefined;

  /** Signs in; `totp` is the authenticator's code, for an account with two-factor sign-in (else 401 `totp_required`). */
  async signIn(siteId: string, email: string, password: string, totp?: string): Promise<SignedIn['user']> {
    const body = { siteId, email, password, use: 'moderation', ...(totp ? { totp } : {}) };
    const res = await this.call<SignedIn>('POST', '/api/v1/auth/login', body, false);
    this.token = res.accessToken;
    this.session = res.user;
    return res.user;
  }

  /** Whether the site requires two-factor sign-in and this account has not set it up (every staff call would be refused). */
  async needsTotpEnrolment(): Promise<boolean> {
    try {
      await this.counts();
      return false;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_enrolment_required') return true;
      throw err;
    }
  }

  /** A new authenticator key for this account, awaiting its first code (`enableTotp`). */
  totpSetup(password: string): Promise<{ secret: string; otpauthUrl: string }> {
    return this.call('POST', '/api/v1/auth/totp/setup', { password });
  }

  /** Turns two-factor sign-in on with the app's first code; the session continues with the token that answers. */
  async enableTotp(code: string): Promise<void> {
    const res = await this.call<{ accessToken: string }>('POST', '/api/v1/auth/totp/enable', { code });
    this.token = res.accessToken;
  }

  /**
   * Forgets the session. `revoke` (the Sign out button) also ends it on the server: every token of the account
   * and the queue dashboard's session, so nothing of it outlives the moderator leaving a shared computer.
   */
  signOut(o: { revoke?: boolean } = {}): void {
    const token = this.token;
    this.token = null;
    this.session = null;
    if (o.revoke && token)
      void fetch('/api/v1/auth/logout', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        credentials: 'same-origin',
        keepalive: true,
      }).catch(() => undefined);
  }

  private get site(): string {
    return encodeURIComponent(this.session?.siteId ?? '');
  }

  /** A call under the signed-in site (`/api/v1/sites/<site>/<path>`): the DSA queues and decisions. */
  siteCall<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.call(method, `/api/v1/sites/${this.site}/${path}`, body);
  }

  counts(): Promise<{ counts: Counts; capped: QueueName[] }> {
    return this.call('GET', `/api/v1/sites/${this.site}/moderation/counts`);
  }

  queue(
    queue: QueueName,
    q: {
      postId?: string;
      reason?: string;
      sort?: QueueSort;
      lane?: 'likely-fine';
      cursor?: string | null;
      limit?: number;
    },
  ): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
    const params = new URLSearchParams();
    if (q.sort === 'risk') params.set('sort', 'risk');
    if (q.lane) params.set('lane', q.lane);
    if (q.postId) params.set('postId', q.postId);
    if (q.reason) params.set('reason', q.reason);
    if (q.cursor) params.set('cursor', q.cursor);
    if (q.limit) params.set('limit', String(q.limit));
    return this.call('GET', `/api/v1/sites/${this.site}/moderation/queues/${queue}?${params}`);
  }

  likelyFine(): Promise<{ likelyFine: LikelyFine }> {
    return this.call('GET', `/api/v1/sites/${this.site}/moderation/likely-fine`);
  }

  adapter(): Promise<{ adapter: AdapterFigures }> {
    return this.call('GET', `/api/v1/sites/${this.site}/moderation/adapter`);
  }

  resetAdapter(): Promise<{ adapter: AdapterFigures }> {
    return this.call('POST', `/api/v1/sites/${this.site}/moderation/adapter/reset`);
  }

  agreement(): Promise<{ agreement: ScorerAgreement }> {
    return this.call('GET', `/api/v1/sites/${this.site}/moderation/scorers/agreement`);
  }

  feature(id: string, featured: boolean): Promise<{ comment: { id: string; featured: boolean } }> {
    return this.call('POST', `/api/v1/comments/${encodeURIComponent(id)}/feature`, { featured });
  }

  /**
   * Decides the text the moderator read, in the status they saw: an edit made since fails with `comment_edited`, a
   * decision someone else made since with `changed`.
   */
  decide(
    item: { id: string; editCount: number; status: string },
    action: 'approve' | 'reject',
  ): Promise<{ comment: { status: string } }> {
    const from = ['pending', 'approved', 'rejected'].includes(item.status) ? item.status : undefined;
    return this.call('POST', `/api/v1/comments/${encodeURIComponent(item.id)}/moderation`, {
      action,
      editCount: item.editCount,
      ...(from ? { from } : {}),
    });
  }

  /**
   * Decides `items` (at most `BULK_MAX`) if each is still `from` and still the text shown; one decided otherwise
   * meanwhile fails with `changed`, one edited since with `comment_edited`.
   */
  bulk(
    items: { id: string; editCount: number }[],
    action: 'approve' | 'reject',
    from: 'pending' | 'approved' | 'rejected',
  ): Promise<{ results: { id: string; ok: boolean; error?: { code: string } }[] }> {
    return this.call('POST', `/api/v1/sites/${this.site}/moderation/bulk`, {
      ids: items.map((i) => i.id),
      editCounts: Object.fromEntries(items.map((i) => [i.id, i.editCount])),
      action,
      from,
    });
  }

  reader(
    userId: string,
    action: 'ban' | 'suspend' | 'premod' | 'unban',
    body: unknown,
  ): Promise<{ task: { id: string } | null }> {
    return this.call('POST', `/api/v1/sites/${this.site}/users/${encodeURIComponent(userId)}/${action}`, body);
  }

  history(userId: string): Promise<ReaderHistory> {
    return this.call('GET', `/api/v1/sites/${this.site}/users/${encodeURIComponent(userId)}/history?limit=30`);
  }

  task(id: string): Promise<{ task: Task }> {
    return this.call('GET', `/api/v1/sites/${this.site}/moderation/tasks/${encodeURIComponent(id)}`);
  }

  search(q: {
    q?: string;
    author?: string;
    postId?: string;
    commentId?: string;
    cursor?: string | null;
    limit?: number;
  }): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    return this.call('GET', `/api/v1/sites/${this.site}/moderation/search?${params}`);
  }

  surges(): Promise<{ surges: Surge[] }> {
    return this.call('GET', `/api/v1/sites/${this.site}/moderation/surges`);
  }

  endSurge(postId: string): Promise<unknown> {
    return this.call('POST', `/api/v1/sites/${this.site}/moderation/surges/${encodeURIComponent(postId)}/end`);
  }

  undo(commentId: string): Promise<{ comment: { id: string; status: string; previousStatus: string } }> {
    return this.call('POST', `/api/v1/sites/${this.site}/moderation/undo`, { commentId });
  }

  dashboardAvailable(): Promise<{ available: boolean }> {
    return this.call('GET', '/api/v1/admin/queue-dashboard');
  }

  analytics(from: string, to: string): Promise<{ analytics: Analytics }> {
    const params = new URLSearchParams({ from, to });
    return this.call('GET', `/api/v1/sites/${this.site}/moderation/analytics?${params}`);
  }

  dashboardSession(): Promise<{ url: string }> {
    return this.call('POST', '/api/v1/admin/queue-dashboard/session');
  }

  private async call<T>(method: string, path: string, body?: unknown, authed = true): Promise<T> {
    const headers: Record<string, string> = {};
    if (authed && this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    if (!res.ok) {
      if (res.status === 401 && authed) this.onUnauthorized();
      throw new ApiError(
        res.status,
        data.error?.code ?? 'error',
        data.error?.message ?? `request failed (${res.status})`,
      );
    }
    return data as T;
  }
}
