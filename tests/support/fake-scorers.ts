import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Programmable stand-ins for the remote scorers: real HTTP servers on 127.0.0.1 that speak
 * Perspective's `comments:analyze` and OpenAI's `/v1/moderations` formats. Each request takes
 * the next scripted step (then the default one), and every request is logged.
 */
export type Step =
  | { kind: 'ok'; delayMs?: number }
  | { kind: '429'; retryAfter?: string }
  | { kind: '500' }
  | { kind: '503'; retryAfter?: string }
  | { kind: '410' }
  | { kind: 'language' } // Perspective: 400 language not supported
  | { kind: '400' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'malformed' }
  | { kind: 'hangup' }
  /** Reads the request and never answers (the connection stays open until close()). */
  | { kind: 'hang' };

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
  /** The step the server answered with. */
  step: Step['kind'];
}

export interface FakeScorerServer {
  url: string;
  requests: LoggedRequest[];
  /** Answers the next requests with these steps, in order. */
  script(...steps: Step[]): void;
  /** What requests get once the script is used up (initially `ok`). */
  setDefault(step: Step): void;
  /** A comment's score, by its text (default: 0.95 for text containing "toxic", else 0.02). */
  scoreText: (text: string) => number;
  /** Forgets the script, the log and the default, for the next test. */
  reset(): void;
  close(): Promise<void>;
}

const defaultScore = (text: string) => (/toxic/i.test(text) ? 0.95 : 0.02);

interface Provider {
  path: string;
  authorized(req: http.IncomingMessage, query: URLSearchParams): boolean;
  unauthorized: { status: number; body: unknown };
  ok(body: unknown, score: (t: string) => number): { status: number; body: unknown } | null;
  error(status: number, message: string, extra?: Record<string, unknown>): unknown;
}

async function startFake(provider: Provider): Promise<FakeScorerServer> {
  const requests: LoggedRequest[] = [];
  const steps: Step[] = [];
  let fallback: Step = { kind: 'ok' };
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: unknown = null;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      /* logged as null */
    }
    const step = steps.shift() ?? fallback;
    requests.push({
      method: req.method ?? '',
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body,
      at: Date.now(),
      step: step.kind,
    });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (req.method !== 'POST' || u.pathname !== provider.path) return send(404, provider.error(404, 'not found'));
    if (!provider.authorized(req, u.searchParams))
      return send(provider.unauthorized.status, provider.unauthorized.body);
    switch (step.kind) {
      case 'ok':
      case 'slow': {
        const delay = step.kind === 'slow' ? step.delayMs : (step.delayMs ?? 0);
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        const answer = provider.ok(body, fake.scoreText);
        return answer ? send(answer.status, answer.body) : send(400, provider.error(400, 'invalid request'));
      }
      case '429':
        return send(
          429,
          provider.error(429, 'Quota exceeded'),
          step.retryAfter === undefined ? {} : { 'retry-after': step.retryAfter },
        );
      case '500':
        return send(500, provider.error(500, 'Internal error'));
      case '503':
        return send(
          503,
          provider.error(503, 'Unavailable'),
          step.retryAfter === undefined ? {} : { 'retry-after': step.retryAfter },
        );
      case '410':
        return send(410, provider.error(410, 'This API has been shut down'));
      case '400':
        return send(400, provider.error(400, 'Comment text too long'));
      case 'language':
        return send(
          400,
          provider.error(400, 'Attribute IDENTITY_ATTACK does not support request languages: xx', {
            details: [
              {
                '@type': 'type.googleapis.com/google.commentanalyzer.v1alpha1.Error',
                errorType: 'LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE',
                languageNotSupportedByAttributeError: { detectedLanguages: ['xx'], attribute: 'IDENTITY_ATTACK' },
              },
            ],
          }),
        );
      case 'malformed':
        return send(200, '{"attributeScores": {"TOXICITY": ', {});
      case 'hangup':
        return req.socket.destroy();
      case 'hang':
        return undefined;
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeScorerServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...s) => {
      steps.push(...s);
    },
    setDefault: (s) => {
      fallback = s;
    },
    scoreText: defaultScore,
    reset() {
      steps.length = 0;
      requests.length = 0;
      fallback = { kind: 'ok' };
      fake.scoreText = defaultScore;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

export const PERSPECTIVE_PATH = '/v1alpha1/comments:analyze';
const PERSPECTIVE_ATTRIBUTES = ['TOXICITY', 'SEVERE_TOXICITY', 'IDENTITY_ATTACK', 'INSULT', 'PROFANITY', 'THREAT'];

/** Perspective `comments:analyze` (key in `?key=`), answering in Google's documented format. */
export function startFakePerspective(opts: { apiKey?: string } = {}): Promise<FakeScorerServer> {
  const googleError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
    error: {
      code,
      message,
      status: code === 429 ? 'RESOURCE_EXHAUSTED' : code >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT',
      ...extra,
    },
  });
  return startFake({
    path: PERSPECTIVE_PATH,
    authorized: (_req, q) => !opts.apiKey || q.get('key') === opts.apiKey,
    unauthorized: { status: 400, body: googleError(400, 'API key not valid. Please pass a valid API key.') },
    error: googleError,
    ok(body, score) {
      const b = body as {
        comment?: { text?: unknown };
        requestedAttributes?: Record<string, unknown>;
        languages?: string[];
      } | null;
      const text = b?.comment?.text;
      if (typeof text !== 'string' || !b?.requestedAttributes) return null;
      const value = score(text);
      const attributeScores = Object.fromEntries(
        Object.keys(b.requestedAttributes)
          .filter((a) => PERSPECTIVE_ATTRIBUTES.includes(a))
          .map((a) => [
            a,
            {
              spanScores: [{ begin: 0, end: text.length, score: { value, type: 'PROBABILITY' } }],
              summaryScore: { value, type: 'PROBABILITY' },
            },
          ]),
      );
      return { status: 200, body: { attributeScores, languages: b.languages ?? ['en'], detectedLanguages: ['en'] } };
    },
  });
}

const OPENAI_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
];

/** OpenAI `POST /v1/moderations` (bearer key), answering in OpenAI's documented format. */
export function startFakeOpenAi(opts: { apiKey?: string } = {}): Promise<FakeScorerServer> {
  const openAiError = (code: number, message: string) => ({
    error: {
      message,
      type: code === 429 ? 'requests' : 'invalid_request_error',
      param: null,
      code: code === 429 ? 'rate_limit_exceeded' : null,
    },
  });
  return startFake({
    path: '/v1/moderations',
    authorized: (req) => !opts.apiKey || req.headers.authorization === `Bearer ${opts.apiKey}`,
    unauthorized: { status: 401, body: openAiError(401, 'Incorrect API key provided') },
    error: openAiError,
    ok(body, score) {
      const b = body as { input?: unknown; model?: unknown } | null;
      const inputs = typeof b?.input === 'string' ? [b.input] : b?.input;
      if (!Array.isArray(inputs) || inputs.some((t) => typeof t !== 'string')) return null;
      return {
        status: 200,
        body: {
          id: `modr-${Math.random().toString(36).slice(2)}`,
          model: 'omni-moderation-2024-09-26',
          results: (inputs as string[]).map((text) => {
            const value = score(text);
            const category_scores = Object.fromEntries(
              OPENAI_CATEGORIES.map((c) => [c, c.startsWith('harassment') || c === 'hate' ? value : 0.0001]),
            );
            return {
              flagged: value >= 0.5,
              categories: Object.fromEntries(OPENAI_CATEGORIES.map((c) => [c, category_scores[c]! >= 0.5])),
              category_scores,
              category_applied_input_types: Object.fromEntries(OPENAI_CATEGORIES.map((c) => [c, ['text']])),
            };
          }),
        },
      };
    },
  });
}
