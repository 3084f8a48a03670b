import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { hashTagOf, parseRedisTarget } from './redis-url.js';
import { weakSecretReason } from './secret-strength.js';
import { isAllowlistEntry } from './webhooks/ssrf.js';

/** A rate limit written as `points/seconds`, e.g. `10/60` = 10 actions per minute. */
const rate = (def: string) =>
  z
    .string()
    .regex(/^\d+\/\d+$/, 'expected points/seconds, e.g. 10/60')
    .default(def)
    .transform((v) => {
      const [points, duration] = v.split('/').map(Number) as [number, number];
      return { points, duration };
    });

export const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', 'on', 'off', '1', '0'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === 'on' || v === '1');

/**
 * Every setting of both services, read once from the environment at start-up.
 * The README's configuration table is generated from these descriptions (`npm run docs:config`).
 */
export const configSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('production')
    .describe(
      'Unset means `production`. Only `development`, set explicitly (`npm start` does), lets the API run without JWT_SECRET, on a published development key, and says so at start-up.',
    ),
  HOST: z.string().default('0.0.0.0').describe('Interface the API listens on.'),
  PORT: int(3000).describe('Port the API listens on.'),
  LIVE_H2C_PORT: int(0).describe(
    "Port of a second API listener that serves only live-update streams (GET …/posts/:postId/events) over HTTP/2 without TLS (h2c), for a load balancer that speaks HTTP/2 to its upstreams: many readers' streams share one connection, so an API process holds more of them than it may open files (0 disables). Keep it on the private network.",
  ),
  LIVE_H2C_IDLE_S: int(180).describe(
    'Seconds a connection to LIVE_H2C_PORT may carry no stream before the API asks it to go away (an HTTP/2 GOAWAY, so nothing in flight is cut); the load balancer opens another when it needs one.',
  ),
  API_METRICS_PORT: int(9464).describe(
    "Port of the API's Prometheus /metrics, apart from PORT so it stays internal: expose it to the scraper only (0 disables).",
  ),
  DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/comments')
    .describe('Postgres connection string. `npm run migrate` creates the database if it does not exist.'),
  DATABASE_URL_FILE: z
    .string()
    .optional()
    .describe(
      'A file holding DATABASE_URL (it carries a password; Compose generates one). Used when DATABASE_URL is not set.',
    ),
  DATABASE_POOL_MAX: int(10).describe('Connections per process in the Postgres pool.'),
  EXPORT_MAX_CONCURRENT: z.coerce
    .number()
    .int()
    .min(1)
    .default(2)
    .describe(
      "Exports one API process streams at once, each on a connection of their own pool (never the requests' pool); beyond it, and beyond one per site, 429.",
    ),
  EXPORT_STALL_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(30000)
    .describe(
      'An export whose client reads nothing for this long is ended, and its transaction with it (`idle_in_transaction_session_timeout`).',
    ),
  EXPORT_MAX_DURATION_S: z.coerce
    .number()
    .int()
    .min(1)
    .default(7200)
    .describe(
      'An export still streaming after this long is ended without its `end` line, its transaction with it: a client that reads steadily but slowly never holds a snapshot (which keeps Postgres from cleaning up after every site) or an export slot longer than this.',
    ),
  DATABASE_PREPARED_STATEMENTS: bool(true).describe(
    "Named prepared statements for the hot queries (the worker's reads and writes, the API's bearer check, thread pages). `false` behind PgBouncer in transaction mode older than 1.21 or without `max_prepared_statements`.",
  ),
  DATABASE_STATEMENT_TIMEOUT_MS: int(15000).describe(
    'Longest one SQL statement may run, sent when connecting. `0` sends none: behind PgBouncer, which refuses the parameter, set it on the role instead (`ALTER ROLE … SET statement_timeout`).',
  ),
  MIGRATION_DATABASE_URL: z
    .string()
    .optional()
    .describe(
      'Postgres connection string for `npm run migrate` (the migration lock is a session advisory lock, so not through a transaction pooler). Default: DATABASE_URL.',
    ),
  MIGRATION_DATABASE_URL_FILE: z
    .string()
    .optional()
    .describe('A file holding MIGRATION_DATABASE_URL. Used when MIGRATION_DATABASE_URL is not set.'),
  REDIS_URL_FILE: z
    .string()
    .optional()
    .describe('A file holding REDIS_URL (with its password). Used when REDIS_URL is not set.'),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .superRefine((v, ctx) => {
      try {
        parseRedisTarget(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .describe(
      'Redis for queues, rate limits, idempotency keys and cache invalidation. A Redis Cluster is written `redis+cluster://[user:password@]host:port,host:port,…` (`rediss+cluster://` for TLS): the nodes listed are seeds, the rest is discovered.',
    ),
  QUEUE_PREFIX: z
    .string()
    .min(1)
    .default('{comments}')
    .describe(
      'Prefix of every Redis key; the braces make it a Redis Cluster hash tag, so every key, and so every multi-key command and script, lives in one slot. Required with a cluster.',
    ),
  JWT_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe(
      'HMAC key for the access tokens the API issues; the same in every API process. Required by the API and the worker (not by the admin CLI or `migrate`, which sign none) unless NODE_ENV=development; refused when it carries fewer than 128 bits by estimate, repeats one character or is a published example (generate one: `openssl rand -base64 32`).',
    ),
  JWT_SECRET_FILE: z
    .string()
    .optional()
    .describe('A file holding JWT_SECRET (Docker secrets; Compose generates one). Used when JWT_SECRET is not set.'),
  ACCESS_TOKEN_TTL_S: int(3600).describe('Lifetime of an access token, in seconds.'),
  SSO_MAX_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(600)
    .default(600)
    .describe(
      "Furthest ahead a publisher SSO token's `exp` may be, in seconds (at most 600: a leaked token is replayable only briefly; a token with a `jti` is accepted once). Also the lifetime of the tokens the CLI's `sso:token` signs, and the longest `--ttl` it takes.",
    ),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp:// or smtps://')
    .optional()
    .describe(
      'Outgoing mail (email verification): `smtps://user:password@host:465`, or `smtp://…:587` (STARTTLS when offered; add `?requireTLS=true` to insist). In production it must be `smtps://` or carry `?requireTLS=true`, unless it names this machine (localhost, 127.0.0.1, ::1: a local relay). Unset: no mail is sent, readiness reports `mail: not_configured`, and native accounts cannot be verified.',
    ),
  SMTP_URL_FILE: z
    .string()
    .optional()
    .describe('A file holding SMTP_URL (Docker secrets). Used when SMTP_URL is not set.'),
  SMTP_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(30_000)
    .describe(
      'Longest the mail server may take to accept a connection or to answer during a send before the send fails. It keeps a stalled server from holding an API request, and a claimed statement mail past its 10-minute lease (another process would then send it again).',
    ),
  MAIL_FROM: z
    .string()
    .min(3)
    .default('Comments <no-reply@localhost>')
    .describe('Sender of outgoing mail, e.g. `Comments <no-reply@news.example>`.'),
  EMAIL_VERIFICATION_TTL_S: int(86400).describe('Lifetime of an email verification link, in seconds.'),
  NOTIFICATION_DIGEST_CRON: z
    .string()
    .regex(/^\S+( \S+){4,5}$/, 'a cron pattern of 5 or 6 fields')
    .default('0 7 * * *')
    .describe("When the worker sends readers' daily notification digests (cron, UTC)."),
  NOTIFICATION_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(60000)
    .describe(
      "How often the worker queues readers' notifications that were written but never reached the queue (at least 100 ms: the sweep cannot be turned off, every notification relies on it).",
    ),
  STATEMENT_MAIL_SWEEP_INTERVAL_MS: int(60000).describe(
    'How often the worker mails statements of reasons (and withdrawal corrections) that were stored but not mailed (the process stopped, or the transport failed). Only with a mail transport; 0 turns the sweep off.',
  ),
  STATEMENT_MAIL_GRACE_MS: int(120000).describe(
    'How old an unmailed statement of reasons must be before the sweep mails it (until then, the process that stored it is expected to).',
  ),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "The API's address as browsers reach it, e.g. `https://comments.example.com`. With https, cookies the API sets (the queue dashboard's) are Secure whatever the proxy says; unset in production, they are Secure too. Also the base of links sent by email (default: `http://localhost:PORT`): in production with a mail transport (SMTP_URL) it is required, and must be https unless it names this machine (localhost, 127.0.0.1, ::1).",
    ),
  DEMO_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "The demo publisher's article page, linked from the API's `/` when set (`npm start` sets it to the demo it runs). Unset: `/` links only the API reference.",
    ),
  TRUST_PROXY: z
    .string()
    .default('loopback')
    .describe('Express `trust proxy` setting: which proxies may set X-Forwarded-For (used for per-IP limits).'),
  RATE_LIMITS: bool(true).describe(
    '`off` disables every rate limit, sign-in guessing limits included (load tests only; the API warns at start-up). In production every process refuses it unless RATE_LIMITS_OFF_IN_PRODUCTION=true says so too.',
  ),
  RATE_LIMITS_OFF_IN_PRODUCTION: bool(false).describe(
    '`true` lets RATE_LIMITS=off run with NODE_ENV=production: a load test of a production build, never a service readers reach (anyone may then guess passwords at full speed). Has no effect while RATE_LIMITS is on.',
  ),
  RATE_LIMIT_COMMENT_USER: rate('10/60').describe('Comments one reader may post, as points/seconds.'),
  RATE_LIMIT_COMMENT_IP: rate('60/60').describe('Comments one IP address may post, as points/seconds.'),
  RATE_LIMIT_REACTION_USER: rate('60/60').describe('Reactions one reader may give or take back, as points/seconds.'),
  RATE_LIMIT_READER_USER: rate('120/60').describe(
    'Requests one reader may make to their notifications and mutes, as points/seconds.',
  ),
  RATE_LIMIT_COMMENT_CHECK_USER: rate('30/60').describe(
    'Drafts one reader may have checked before posting ("this may be held for review"), as points/seconds.',
  ),
  RATE_LIMIT_AUTH_IP: rate('30/60').describe('Sign-in and registration attempts per IP address, as points/seconds.'),
  RATE_LIMIT_UNSUBSCRIBE_IP: rate('600/60').describe(
    "Unsubscribe page requests per IP address, as points/seconds: high, because mail providers send their users' one-click unsubscribes from few addresses, and every request needs a signed token.",
  ),
  RATE_LIMIT_LOGIN_FAILURES: rate('5/900').describe(
    'Failed password logins per account before it is throttled, as points/seconds.',
  ),
  RATE_LIMIT_LOGIN_ACCOUNT: rate('20/3600').describe(
    'Failed password logins on one account from all addresses together before its sign-ins are slowed down, as points/seconds.',
  ),
  RATE_LIMIT_LOGIN_SLOWED: rate('1/30').describe(
    'Sign-in attempts a slowed-down account still gets, as points/seconds: a slow-down, so a stranger cannot lock the owner out.',
  ),
  THREAD_CACHE_TTL_MS: int(60000).describe(
    "Longest an API process serves a cached thread page; approvals, and changes of the site's settings, invalidate it at once through Redis pub/sub.",
  ),
  THREAD_CACHE_MAX_ENTRIES: int(5000).describe('Thread pages each API process keeps serialized in memory.'),
  THREAD_CACHE_MAX_MB: int(64).describe(
    'Megabytes of serialized thread pages each API process keeps at most, whatever their number (a page of a long thread can be megabytes).',
  ),
  THREAD_MAX_AGE_S: int(5).describe('`Cache-Control: max-age` of thread pages for browsers and CDNs.'),
  LOOKUP_CACHE_TTL_MS: int(5000).describe(
    'How long the API caches the post, reader and parent look-ups that validate a new comment (the worker re-checks).',
  ),
  RATE_LIMIT_POST_CREATE_IP: rate('30/3600').describe(
    'Posts the widget may create on first load (a site with `autoCreatePosts`) per IP address, as points/seconds.',
  ),
  RATE_LIMIT_POST_CREATE_SITE: rate('300/3600').describe(
    'Posts the widget may create on first load per site, from all addresses together, as points/seconds: a client that is not a browser may say any Origin, so this bounds what one site can be made to hold.',
  ),
  RATE_LIMIT_NOTICE_IP: rate('10/3600').describe(
    'Notices of illegal content (DSA) one IP address (an IPv6 /64) may send, as points/seconds.',
  ),
  RATE_LIMIT_NOTICE_NOTIFIER: rate('20/86400').describe(
    'Notices of illegal content one notifier (an account, else an email address) may send, as points/seconds.',
  ),
  RATE_LIMIT_ACCOUNT_MAIL: rate('3/3600').describe(
    'Account mails one address may receive per site, as points/seconds, counted apart for address confirmations (with "someone tried to register your address") and for password-reset links; past it none is sent, and the request is answered alike, so nobody can flood an address from the service, nor spend the reset links by asking for confirmations.',
  ),
  RATE_LIMIT_APPEAL: rate('10/3600').describe(
    'Appeals (DSA complaints) per IP address and per appellant, as points/seconds.',
  ),
  RATE_LIMIT_ANALYTICS_SITE: rate('30/60').describe(
    "Readings of a site's moderation analytics (`GET …/moderation/analytics`) per site, by its staff and its keys together, as points/seconds: each runs seven aggregates over up to 92 days.",
  ),
  RATE_LIMIT_REDELIVER_SITE: rate('120/3600').describe(
    'Webhook redeliveries asked for by hand per site, as points/seconds: each stores a copy of the delivery and sends it again.',
  ),
  RATE_LIMIT_DATA_EXPORT: rate('5/3600').describe(
    "Downloads of a reader's own data (`GET /me/export`) per reader, as points/seconds: each reads everything they wrote and is logged.",
  ),
  SSE_MAX_PER_IP: int(20).describe(
    'Live-update streams (server-sent events) one IP address (an IPv6 /64 counts as one) may hold open on one API process.',
  ),
  SSE_MAX_STREAMS: int(20_000).describe(
    'Live-update streams one API process holds open at most; beyond it new ones get 503. Each is a socket over HTTP/1.1: raise the open-file limit above it.',
  ),
  SSE_HEARTBEAT_S: int(25).describe(
    'Seconds between heartbeat comments on an idle live-update stream, so proxies keep it open.',
  ),
  WORKER_CONCURRENCY: int(512).describe(
    'Comment jobs one worker process runs at once (their reads and writes share Postgres statements, so more in flight means fewer, larger statements; a job mostly waits on its batch, so slots are cheap).',
  ),
  WORKER_BATCH_MAX: int(250).describe(
    'Comments one worker process reads the inputs of, or stores decided, in one statement at most (jobs that run at once share it; 1 reads and stores each alone).',
  ),
  WORKER_LOCK_DURATION_MS: int(30000).describe(
    "BullMQ job lock; a crashed worker's jobs are picked up again after it lapses.",
  ),
  WORKER_STALLED_INTERVAL_MS: int(30000).describe('How often workers look for jobs whose worker died.'),
  WORKER_MAX_STALLED_COUNT: int(20).describe(
    'Times a job may be recovered from a dead worker before it is moved to the failed set.',
  ),
  JOB_ATTEMPTS: int(30).describe(
    'Attempts per comment job before it is kept in the failed set for an operator; waiting for an unreachable Postgres or Redis spends none.',
  ),
  JOB_BACKOFF_MS: int(1000).describe('First retry delay; doubles per attempt, with jitter.'),
  JOB_BACKOFF_MAX_MS: int(60000).describe('Ceiling of the retry delay.'),
  WORKER_METRICS_PORT: int(9465).describe("Port of the worker's /metrics, /healthz and /readyz (0 disables)."),
  SCORER_MAX_DEFER_S: int(600).describe(
    "How long a comment may wait in the queue for a rate-limited remote scorer before the site's `onScorerUnavailable` policy applies.",
  ),
  PERSPECTIVE_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Key of the Perspective API (or a Perspective-compatible provider). Without it sites cannot use the `perspective` scorer.',
    ),
  PERSPECTIVE_URL: z
    .url({ protocol: /^https?$/ })
    .default('https://commentanalyzer.googleapis.com/v1alpha1/comments:analyze')
    .describe(
      'The `comments:analyze` endpoint; the key is sent as `?key=`. In production it must be https unless it names this machine (localhost, 127.0.0.1, ::1).',
    ),
  PERSPECTIVE_TIMEOUT_MS: int(5000).describe(
    'Longest one Perspective request may take before it counts as failed and is retried.',
  ),
  PERSPECTIVE_RATE: rate('1/1').describe(
    "Perspective requests all worker processes together may send, as points/seconds (the provider's quota; 1 request/s by default).",
  ),
  OPENAI_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Bearer key of an OpenAI-compatible moderation endpoint. Without it sites cannot use the `openai` scorer.',
    ),
  OPENAI_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .default('https://api.openai.com')
    .describe(
      'Base URL of the OpenAI-compatible API; requests go to `{base}/v1/moderations`. In production it must be https unless it names this machine (localhost, 127.0.0.1, ::1).',
    ),
  OPENAI_MODEL: z.string().min(1).default('omni-moderation-latest').describe('Moderation model requested.'),
  OPENAI_TIMEOUT_MS: int(10000).describe(
    'Longest one moderation request may take before it counts as failed and is retried.',
  ),
  OPENAI_RATE: rate('10/1').describe(
    'Moderation requests all worker processes together may send, as points/seconds (one batch is one request).',
  ),
  OPENAI_BATCH_MAX: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(32)
    .describe('Most comments sent in one moderation request.'),
  OPENAI_BATCH_WAIT_MS: int(10).describe('How long a comment waits for others to share its moderation request.'),
  SHADOW_QUOTA_SHARE: z.coerce
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe(
      "Share of each remote scorer's request quota that shadow scoring may use. A shadow call is made only while less than this share of the window's requests has been sent, never waits for one, is not retried, and has a circuit breaker of its own: live scoring always finds the rest of each window, and shadow failures never open its circuit. A comment it skips has the reason stored instead of scores.",
    ),
  SCORER_RETRIES: int(2).describe(
    'Retries of a remote scorer request after a 5xx, a timeout or a network error (a 429 does not use one).',
  ),
  SCORER_BACKOFF_MS: int(250).describe(
    'First delay before a remote scorer retry; doubles per retry, with full jitter.',
  ),
  SCORER_BACKOFF_MAX_MS: int(4000).describe('Ceiling of the remote scorer retry delay.'),
  SCORER_RATE_WAIT_MS: int(2000).describe(
    "How long a remote scorer call waits for a request slot (or a provider's Retry-After) before the comment goes back to the queue, delayed.",
  ),
  SCORER_BREAKER_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe("Consecutive failed requests that open a remote scorer's circuit (its calls then fail at once)."),
  SCORER_BREAKER_HALF_OPEN_MS: int(30000).describe(
    'How long an open circuit waits before letting one trial request through.',
  ),
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== ''),
    )
    .refine((entries) => entries.every(isAllowlistEntry), 'expected comma-separated host names, addresses or CIDRs')
    .describe(
      'Internal targets webhooks may reach anyway, comma-separated host names, addresses or CIDRs (e.g. `127.0.0.1,receiver.dev.internal`): a development receiver. Link-local addresses (cloud metadata at 169.254.169.254) are refused whatever this says.',
    ),
  WEBHOOK_RETRY_SCHEDULE_S: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'expected comma-separated seconds, e.g. 5,30,120')
    .default('5,30,120,600,1800,3600,7200,14400,28800,28800')
    .transform((v) => v.split(',').map((s) => Math.round(Number(s) * 1000)))
    .describe(
      'Delays before each webhook retry, in seconds (each with ±20% jitter); the default spans about 24 h over 10 retries.',
    ),
  WEBHOOK_TIMEOUT_MS: int(10000).describe(
    'Longest a webhook endpoint may take to answer before the attempt counts as failed.',
  ),
  WEBHOOK_DISABLE_AFTER_S: int(86400).describe(
    'An endpoint that has failed every attempt for this long is disabled, with the reason. A run of failures ends with a success, or when no attempt failed for longer than the longest retry wait (with its jitter) and a minute.',
  ),
  WEBHOOK_SECRET_GRACE_S: int(86400).describe(
    'Default time the previous signing secret stays valid after a rotation (both signatures are sent).',
  ),
  WEBHOOK_CONCURRENCY: int(16).describe('Webhook deliveries one worker process sends at once.'),
  WEBHOOK_MAX_PER_SITE: int(4).describe(
    "Webhook deliveries of one site sent at once across all worker processes; the site's others wait their turn, so one site's slow endpoint cannot hold every sender.",
  ),
  WEBHOOK_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(60000)
    .describe(
      'How often the worker looks for stored webhook deliveries that never reached the queue (Redis was down when they were emitted).',
    ),
  WEBHOOK_DELIVERY_RETENTION_DAYS: int(30).describe(
    'How long the webhook delivery log keeps a finished delivery (its body as sent, for the log and for redelivery); the worker deletes older ones every hour. 0 keeps them for ever.',
  ),
  WEBHOOK_SUBSCRIPTIONS_CACHE_MS: int(5000).describe(
    "How long a process caches which endpoints a site's events go to.",
  ),
  SHUTDOWN_TIMEOUT_MS: int(15000).describe('Longest a process waits for in-flight work on SIGTERM.'),
  QUEUE_DASHBOARD_SITE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .optional()
    .describe(
      "Site whose admins may open the queue dashboard at `/admin/queues` (it shows every site's jobs, so name the operator's own site). Unset: the dashboard refuses everyone.",
    ),
  QUEUE_DASHBOARD_SESSION_S: int(900).describe("Lifetime of the queue dashboard's session cookie, in seconds."),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe(
      'pino log level. The API writes one line per request (services/api/src/http/request-log.ts): answered at debug, refused (4xx) at info, failed (5xx) at error.',
    ),
});

/** The parsed configuration; JWT_SECRET is always set (the development key only where NODE_ENV=development). */
export type Config = Omit<z.infer<typeof configSchema>, 'JWT_SECRET'> & { JWT_SECRET: string };
export type RateSpec = { points: number; duration: number };

export const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

/**
 * The environment as a schema reads it: empty values dropped, and each secret `KEY` taken from the file
 * named by `KEY_FILE` when `KEY` itself is not set (Docker and Kubernetes secrets).
 */
export function environmentOf(env: NodeJS.ProcessEnv, secretKeys: readonly string[]): Record<string, string> {
  const raw: Record<string, string> = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  for (const key of secretKeys) {
    const file = raw[`${key}_FILE`];
    if (!file || raw[key]) continue;
    try {
      raw[key] = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new Error(`invalid configuration:\n  ${key}_FILE: cannot read ${file} (${(err as Error).message})`);
    }
  }
  return raw;
}

/** Settings that may come from a file named by `KEY_FILE` (they carry passwords). */
const FILE_KEYS = ['JWT_SECRET', 'DATABASE_URL', 'MIGRATION_DATABASE_URL', 'REDIS_URL', 'SMTP_URL'] as const;

/** Parses with a schema; throws one readable message naming every bad key. */
export function parseEnvironment<S extends z.ZodType>(schema: S, raw: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Parses the environment once; throws a readable message naming every bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = parseEnvironment(configSchema, environmentOf(env, FILE_KEYS));
  refuseProblems({
    QUEUE_PREFIX: queuePrefixProblem(parsed),
    PUBLIC_URL: mailLinksProblem(parsed),
    SMTP_URL: mailTransportProblem(parsed),
    PERSPECTIVE_URL: remoteScorerUrlProblem(parsed.NODE_ENV, parsed.PERSPECTIVE_URL),
    OPENAI_BASE_URL: remoteScorerUrlProblem(parsed.NODE_ENV, parsed.OPENAI_BASE_URL),
    RATE_LIMITS: rateLimitsProblem(parsed),
  });
  return { ...parsed, JWT_SECRET: signingSecret('JWT_SECRET', parsed.JWT_SECRET, parsed.NODE_ENV, DEV_JWT_SECRET) };
}

/** Throws one readable message naming every key whose problem is not null, as a bad value in the schema does. */
export function refuseProblems(problems: Record<string, string | null>): void {
  const lines = Object.entries(problems).flatMap(([key, problem]) =>
    problem === null ? [] : [`  ${key}: ${problem}`],
  );
  if (lines.length > 0) throw new Error(`invalid configuration:\n${lines.join('\n')}`);
}

/** Why the queue prefix cannot work, or null: BullMQ's scripts and ours touch several keys at once, so on a cluster they must share one slot. */
export function queuePrefixProblem(c: Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX'>): string | null {
  return parseRedisTarget(c.REDIS_URL).kind === 'cluster' && hashTagOf(c.QUEUE_PREFIX) === null
    ? 'with a Redis Cluster the prefix needs a hash tag, e.g. {comments}'
    : null;
}

/**
 * Why the rate limits may not be off, or null: in production they are the only brake on password guessing and on
 * floods of comments and mail, so turning them off takes a second setting that says it is meant.
 */
function rateLimitsProblem(
  c: Pick<Config, 'NODE_ENV' | 'RATE_LIMITS' | 'RATE_LIMITS_OFF_IN_PRODUCTION'>,
): string | null {
  if (c.NODE_ENV !== 'production' || c.RATE_LIMITS || c.RATE_LIMITS_OFF_IN_PRODUCTION) return null;
  return 'off is refused in production: every rate limit would be off, sign-in guessing limits included (for a load test of a production build, set RATE_LIMITS_OFF_IN_PRODUCTION=true as well)';
}

/**
 * Why the links mail carries (password resets, address confirmations, unsubscribes) would not reach readers, or null:
 * in production with a mail transport they need the API's public address, over https unless it is this machine.
 */
function mailLinksProblem(c: Pick<Config, 'NODE_ENV' | 'SMTP_URL' | 'PUBLIC_URL'>): string | null {
  if (c.NODE_ENV !== 'production' || c.SMTP_URL === undefined) return null;
  if (c.PUBLIC_URL === undefined)
    return "required in production with SMTP_URL: the links mail carries would point at http://localhost (set the API's public address, e.g. https://comments.example.com)";
  const url = new URL(c.PUBLIC_URL);
  if (url.protocol !== 'https:' && !namesThisMachine(url))
    return 'must be https in production with SMTP_URL: password-reset and confirmation links carry their token in the address';
  return null;
}

/**
 * Why mail could leave in clear, or null. In production the transport must use TLS, since password-reset and
 * confirmation links carry their token: `smtps://`, or `smtp://` with `?requireTLS=true` (nodemailer then fails the
 * send when the server offers no STARTTLS, where it would otherwise carry on unencrypted), unless the server is this
 * machine (a local relay).
 */
function mailTransportProblem(c: Pick<Config, 'NODE_ENV' | 'SMTP_URL'>): string | null {
  if (c.NODE_ENV !== 'production' || c.SMTP_URL === undefined) return null;
  let url: URL;
  try {
    url = new URL(c.SMTP_URL);
  } catch {
    return 'not a valid URL';
  }
  // As nodemailer reads the query: `true` turns it on; anything else, or the key in another case, leaves it off.
  const requireTls = url.searchParams.getAll('requireTLS');
  if (url.protocol === 'smtps:' || (requireTls.length > 0 && requireTls.every((v) => v === 'true'))) return null;
  if (namesThisMachine(url)) return null;
  return 'must use TLS in production: smtps://…:465, or smtp://…:587?requireTLS=true so that a server (or anyone in between) offering no STARTTLS gets no mail; plain smtp:// only to this machine (localhost, 127.0.0.1, ::1). Password-reset and confirmation links carry their token';
}

/**
 * Why a remote scorer's address would expose what is sent to it, or null: comments' text and the API key go there,
 * so in production it must be https unless it is this machine (a local model server or proxy).
 */
function remoteScorerUrlProblem(nodeEnv: Config['NODE_ENV'], address: string): string | null {
  if (nodeEnv !== 'production') return null;
  const url = new URL(address);
  if (url.protocol === 'https:' || namesThisMachine(url)) return null;
  return "must be https in production: readers' comments and the API key are sent there (http only to this machine: localhost, 127.0.0.1, ::1)";
}

/** Whether a URL's host is this machine (localhost, 127.0.0.1, ::1): what it carries never crosses a network. */
function namesThisMachine(url: URL): boolean {
  // Lower-cased here: a URL of a scheme the WHATWG parser does not know (smtp:) keeps the host as written.
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname.toLowerCase());
}

/**
 * A signing secret as configured, checked: anyone who knows or guesses it signs tokens, so outside an
 * explicit NODE_ENV=development it must be set and strong. In development an unset one falls back to the
 * published value `developmentValue` (start-up says so: see `developmentWarning`).
 */
export function signingSecret(
  key: string,
  value: string | undefined,
  nodeEnv: Config['NODE_ENV'],
  developmentValue: string,
): string {
  if (nodeEnv === 'development') return value ?? developmentValue;
  if (value === undefined)
    throw new Error(
      `invalid configuration:\n  ${key}: required (or ${key}_FILE); only NODE_ENV=development runs without it`,
    );
  const weak = weakSecretReason(value);
  if (weak)
    throw new Error(`invalid configuration:\n  ${key}: set a random secret in production (this one is ${weak})`);
  return value;
}

/** What a process in development mode says at start-up, or null outside development. */
export function developmentWarning(config: Pick<Config, 'NODE_ENV' | 'JWT_SECRET'>): string | null {
  if (config.NODE_ENV !== 'development') return null;
  return config.JWT_SECRET === DEV_JWT_SECRET
    ? 'NODE_ENV=development: signing access tokens with the published development JWT_SECRET; never expose this process'
    : 'NODE_ENV=development: development mode; never expose this process';
}

/** What the API says at start-up when its rate limits are off (a load test's setting), or null when they are on. */
export function rateLimitsWarning(config: Pick<Config, 'RATE_LIMITS'>): string | null {
  return config.RATE_LIMITS
    ? null
    : 'RATE_LIMITS=off: every rate limit is off, sign-in guessing limits included; a load test setting, never for readers';
}

/** Exits the process with the config error, for composition roots. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  return orExit(() => loadConfig(env));
}

/** Runs a configuration loader; on a bad value prints its message and exits 1. */
export function orExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
