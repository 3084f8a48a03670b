/**
 * Why one request to a remote scorer failed, as the retry loop needs to know it:
 * - `transient`: timeout, network error, 5xx: retried with backoff, counts against the circuit.
 * - `throttled`: 429: waited out (Retry-After) without using a retry.
 * - `unsupported`: the provider refuses this text (e.g. its language): the embedded scorer stands in.
 * - `fatal`: 410 Gone, other 4xx, malformed answers: not retried, counts against the circuit.
 */
export class RemoteFailure extends Error {
  constructor(
    readonly kind: 'transient' | 'throttled' | 'unsupported' | 'fatal',
    /** Metric label: timeout, network, http_5xx, http_429, gone, http_4xx, malformed, unsupported. */
    readonly label: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RemoteFailure';
  }
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), if present and sane. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface PostJsonOptions {
  provider: string;
  /** Full URL; may carry a key in its query, so it is never put into messages. */
  url: string;
  body: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Reads a 4xx error body: returns a RemoteFailure for provider-specific cases (e.g. unsupported language). */
  classify4xx?: (status: number, body: unknown) => RemoteFailure | undefined;
}

/**
 * POSTs JSON with the platform's fetch and a hard timeout over the whole exchange (headers and
 * body), and returns the parsed answer, or throws a RemoteFailure saying what went wrong.
 */
export async function postJson({
  provider,
  url,
  body,
  headers,
  timeoutMs,
  classify4xx,
}: PostJsonOptions): Promise<unknown> {
  const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
    text = await res.text();
  } catch (err) {
    if (signal.aborted)
      throw new RemoteFailure('transient', 'timeout', `${provider} did not answer within ${timeoutMs} ms`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new RemoteFailure(
      'transient',
      'network',
      `${provider} unreachable (${cause?.code ?? cause?.message ?? (err as Error).message})`,
    );
  }
  if (res.status === 429) {
    throw new RemoteFailure(
      'throttled',
      'http_429',
      `${provider} answered 429 Too Many Requests`,
      parseRetryAfter(res.headers.get('retry-after')),
    );
  }
  if (res.status >= 500) {
    throw new RemoteFailure(
      'transient',
      'http_5xx',
      `${provider} answered ${res.status}`,
      parseRetryAfter(res.headers.get('retry-after')),
    );
  }
  if (res.status === 410) {
    throw new RemoteFailure(
      'fatal',
      'gone',
      `${provider} answered 410 Gone: the endpoint is retired; configure another`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (res.status >= 400) throw new RemoteFailure('fatal', 'http_4xx', `${provider} answered ${res.status}`);
    throw new RemoteFailure('fatal', 'malformed', `${provider} answered ${res.status} with malformed JSON`);
  }
  if (res.status >= 400) {
    const special = classify4xx?.(res.status, parsed);
    if (special) throw special;
    const message = (parsed as { error?: { message?: unknown } })?.error?.message;
    const detail = typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
    throw new RemoteFailure('fatal', 'http_4xx', `${provider} answered ${res.status}${detail}`);
  }
  if (res.status < 200 || res.status >= 300) {
    throw new RemoteFailure('fatal', 'malformed', `${provider} answered an unexpected ${res.status}`);
  }
  return parsed;
}

/** A score in [0, 1] from a provider's answer, or a malformed-answer failure. */
export function probability(provider: string, value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new RemoteFailure('fatal', 'malformed', `${provider} answered without a valid ${what}`);
  }
  return value;
}
