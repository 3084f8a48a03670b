/** The API's wire shapes the widget reads. */
export interface Author {
  id: string;
  name: string;
  /** Present only for site staff (from the account, not the name). */
  role?: 'moderator' | 'admin';
  /** Present only for readers the publisher vouches for. */
  verified?: true;
}
export interface ThreadComment {
  id: string;
  author: Author;
  body: string;
  bodyHtml: string;
  createdAt: string;
  editedAt?: string;
  replyTo?: Author;
  replies: ThreadComment[];
  replyCount: number;
  reactions?: Record<string, number>;
  featured?: true;
  /** A placeholder keeping replies readable: removed by a moderator, or deleted by its author. */
  removed?: true;
  deletedByAuthor?: true;
}
export interface SiteRules {
  reactions: string[];
  editWindowMinutes: number;
}
export interface ThreadPage {
  site?: SiteRules;
  featured?: ThreadComment[];
  comments: ThreadComment[];
  nextCursor: string | null;
  total?: number;
}
export interface Post {
  id: string;
  title: string;
  url: string;
  closed: boolean;
  commentCount: number;
}
export interface SignedIn {
  accessToken: string;
  user: { id: string; name: string; role: string };
}
export interface CommentStatus {
  id: string;
  status: 'queued' | 'pending' | 'approved' | 'rejected';
  bodyHtml?: string;
  createdAt?: string;
  editCount?: number;
  editPending?: boolean;
  reason?: { category?: string; message?: string } | null;
  /** DSA Art. 17: the statement of reasons for a held or removed comment (its author only). */
  statement?: Statement | null;
}
/** One of the signed-in reader's own comments that readers do not see (GET …/comments/mine). */
export interface MineComment {
  id: string;
  parentId: string | null;
  status: 'pending' | 'rejected';
  body: string;
  createdAt: string;
  reason: CommentStatus['reason'];
  statement: Statement | null;
}
/** The signed-in reader's own suspension or ban in force, with its statement (GET …/comments/mine). */
export interface Standing {
  status: 'suspended' | 'banned';
  until: string | null;
  statement: Statement | null;
}
export interface Statement {
  id: string;
  decision: string;
  facts: string;
  groundDetail: string;
  automatedDetection: boolean;
  automatedDecision: boolean;
  redress: string;
  appealUntil: string;
  reversedAt: string | null;
  appeal: { status: 'open' | 'upheld' | 'reversed' } | null;
}

/** An answer other than 2xx, with the API's `{error:{code,message}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null,
  ) {
    super(message);
  }
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
  /** `no-cache` revalidates with the server (ETag) instead of trusting a cached copy. */
  cache?: RequestCache;
}

/**
 * Calls the comment service. Never sends cookies (`credentials: 'omit'`): a reader is known
 * only by the bearer token the widget holds in memory.
 */
export async function call<T>(base: string, path: string, o: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  let res: Response;
  try {
    res = await fetch(base + path, {
      method: o.method ?? 'GET',
      headers,
      credentials: 'omit',
      mode: 'cors',
      cache: o.cache ?? 'default',
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'network error', null);
  }
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } }).error;
    const retry = Number(res.headers.get('Retry-After'));
    throw new ApiError(
      res.status,
      err?.code ?? 'error',
      err?.message ?? res.statusText,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
  return data as T;
}
