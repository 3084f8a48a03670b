import { primaryLanguage } from '#shared/settings.js';
import type { Attribute, ScoreResult, Scorer } from '#shared/scoring/types.js';
import { RemoteFailure, postJson, probability } from './http.js';
import type { RemoteCaller } from './resilience.js';

/** The six attributes requested in one call; Perspective's names are ours. */
const REQUESTED: Attribute[] = ['TOXICITY', 'SEVERE_TOXICITY', 'IDENTITY_ATTACK', 'INSULT', 'PROFANITY', 'THREAT'];
/** Span scores at or above this become highlight spans. */
const SPAN_MIN = 0.5;

export interface PerspectiveOptions {
  /** The `comments:analyze` endpoint (Google's, or a Perspective-compatible provider's). */
  url: string;
  apiKey: string;
  timeoutMs: number;
  caller: RemoteCaller;
}

interface AnalyzeResponse {
  attributeScores?: Record<
    string,
    {
      summaryScore?: { value?: unknown };
      spanScores?: ({ begin?: unknown; end?: unknown; score?: { value?: unknown } } | null)[];
    }
  >;
}

/** A 400 that means "not in a language this attribute supports": the embedded scorer stands in. */
function classify4xx(status: number, body: unknown): RemoteFailure | undefined {
  const error = (body as { error?: { message?: unknown; details?: { errorType?: unknown }[] } })?.error;
  const types = (error?.details ?? []).map((d) => String(d?.errorType ?? ''));
  const message = typeof error?.message === 'string' ? error.message : '';
  if (
    status === 400 &&
    (types.some((t) => t.startsWith('LANGUAGE_NOT_SUPPORTED')) ||
      /does not support (request )?languages?/i.test(message))
  ) {
    return new RemoteFailure(
      'unsupported',
      'unsupported',
      `perspective does not support this comment's language (${message.slice(0, 160)})`,
    );
  }
  return undefined;
}

/**
 * Perspective `comments:analyze`: the six attributes in one request, `doNotStore: true`, the
 * site's languages when it has set them. Written on the platform's fetch rather than
 * `perspective-api-client`, whose endpoint is a constant and which sets no timeout.
 */
export function createPerspectiveScorer(o: PerspectiveOptions): Scorer {
  const url = new URL(o.url);
  url.searchParams.set('key', o.apiKey);
  const endpoint = url.toString();
  return {
    name: 'perspective',
    async score(text, ctx) {
      const started = performance.now();
      const body: Record<string, unknown> = {
        comment: { text },
        requestedAttributes: Object.fromEntries(REQUESTED.map((a) => [a, {}])),
        doNotStore: true,
        spanAnnotations: true,
      };
      // Perspective takes ISO 639-1 codes: `fr-CA` is sent as `fr`.
      if (ctx.languages && ctx.languages.length > 0) body.languages = [...new Set(ctx.languages.map(primaryLanguage))];
      const answer = await o.caller.call(async () =>
        parse(
          await postJson({ provider: 'perspective', url: endpoint, body, timeoutMs: o.timeoutMs, classify4xx }),
          text.length,
        ),
      );
      return {
        ...answer,
        provider: 'perspective',
        model: 'perspective-v1alpha1',
        latencyMs: performance.now() - started,
      };
    },
  };
}

function parse(json: unknown, length: number): Pick<ScoreResult, 'attributes' | 'spans'> {
  const scores = (json as AnalyzeResponse)?.attributeScores;
  if (!scores || typeof scores !== 'object')
    throw new RemoteFailure('fatal', 'malformed', 'perspective answered without attributeScores');
  const attributes: Partial<Record<Attribute, number>> = {};
  const spans: NonNullable<ScoreResult['spans']> = [];
  for (const a of REQUESTED) {
    const entry = scores[a];
    if (!entry) continue; // an attribute the language does not have
    attributes[a] = probability('perspective', entry.summaryScore?.value, `${a} summary score`);
    for (const s of Array.isArray(entry.spanScores) ? entry.spanScores : []) {
      const value = s?.score?.value;
      if (typeof value !== 'number' || value < SPAN_MIN || typeof s?.begin !== 'number' || typeof s.end !== 'number')
        continue;
      const start = Math.max(0, Math.min(length, s.begin));
      const end = Math.max(start, Math.min(length, s.end));
      if (end > start) spans.push({ start, end, attribute: a });
    }
  }
  if (attributes.TOXICITY === undefined)
    throw new RemoteFailure('fatal', 'malformed', 'perspective answered without a TOXICITY score');
  return { attributes, spans };
}
