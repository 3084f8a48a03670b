import { Router, type RequestHandler } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { consume } from '../http/rate-limit.js';
import { clientKey } from '../http/client-key.js';
import { staffOf, userOf } from '../auth/guards.js';
import { staffAuth } from '../moderation/routes.js';
import { siteIdSchema, uuidSchema, emailSchema } from '#shared/schemas.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/app-error.js';
import { findSite } from '#shared/db/sites.js';
import { findUser } from '#shared/db/users.js';
import { withTransaction } from '#shared/db/pool.js';
import { insertAudit } from '#shared/db/audit.js';
import {
  decideNotice,
  findNotice,
  insertNotice,
  isTrustedFlagger,
  listNotices,
  notifierKey,
  type Notice,
} from '#shared/db/dsa-notices.js';
import { normalizeBody, normalizeLine, normalizeName } from '#shared/text.js';
import { mailStatement } from '#shared/dsa/statements.js';
import { noticeDecisionMail, noticeReceiptMail } from '#shared/dsa/texts.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';
import { announcePosts, commentsChanged, removeNoticedComments } from './actions.js';
import { applyMisuseRule, noticesSuspendedUntil } from './misuse.js';
import type { Site } from '#shared/domain.js';

const UUID_IN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const siteParams = z.object({ siteId: siteIdSchema });

/** A comment named by its id or by a link that contains it (`…#comment-<id>`, `?comment=<id>`). */
const commentRef = z
  .string()
  .max(2000)
  .transform((s, ctx) => {
    const m = UUID_IN.exec(s);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: "a comment's id or a link to it" });
      return z.NEVER;
    }
    return m[0].toLowerCase();
  });

export const noticeBody = z.strictObject({
  category: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "one of the site's categories"),
  explanation: z
    .string()
    .max(10_000)
    .transform(normalizeBody)
    .pipe(z.string().min(10, 'explain in at least 10 characters why the content is illegal').max(5000)),
  comments: z
    .array(commentRef)
    .min(1)
    .max(20)
    .transform((ids) => [...new Set(ids)]),
  name: z.string().max(200).transform(normalizeName).optional(),
  email: emailSchema.optional(),
  goodFaith: z.literal(true, 'confirm that the notice is accurate and complete, in good faith'),
});

export const noticeDecisionBody = z
  .strictObject({
    action: z.enum(['remove', 'no_action']),
    reason: z.string().max(2000).transform(normalizeLine).pipe(z.string().min(1, 'a reason is required').max(1000)),
    ground: z.enum(['illegal_content', 'incompatible_content']).default('illegal_content'),
    /** remove: the content is manifestly illegal; no_action: the notice is manifestly unfounded (both count towards Art. 23). */
    manifest: z.boolean().default(false),
  })
  .refine((b) => !(b.action === 'remove' && b.manifest && b.ground !== 'illegal_content'), {
    message: "manifest: a removal on the site rules' ground (incompatible_content) is not manifestly illegal",
    path: ['manifest'],
  });

const noticeQuery = z.object({
  status: z.enum(['open', 'actioned', 'no_action']).default('open'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const noticeView = (n: Notice) => ({
  id: n.id,
  reference: n.reference,
  category: n.category,
  explanation: n.explanation,
  notifier: { id: n.notifierId, name: n.notifierName, email: n.notifierEmail },
  trusted: n.trusted,
  status: n.status,
  manifestlyUnfounded: n.manifestlyUnfounded,
  decidedBy: n.decidedBy,
  decidedAt: n.decidedAt?.toISOString() ?? null,
  decisionReason: n.decisionReason,
  createdAt: n.createdAt.toISOString(),
  comments: n.comments,
});

const noticeSchema = z.looseObject({ id: z.uuid(), reference: z.string(), status: z.string(), trusted: z.boolean() });

export const noticeDocs = [
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/notices/form',
    tag: 'DSA',
    auth: 'none',
    summary: 'Whether the site takes notices of illegal content, and its categories',
    params: siteParams,
    responses: {
      200: {
        description: 'the form',
        schema: z.object({
          enabled: z.boolean(),
          categories: z.array(z.object({ id: z.string(), label: z.string() })),
        }),
      },
      ...notFoundError,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/notices',
    tag: 'DSA',
    auth: 'none, or a reader of the site (then name and email default to the account)',
    summary: 'Send a notice of illegal content (DSA Art. 16) about one or more comments',
    params: siteParams,
    body: noticeBody,
    responses: {
      201: {
        description: 'received; a receipt with the reference goes to the notifier',
        schema: z.object({
          notice: noticeSchema,
          appealCode: z.string(),
          receipt: z.object({ mailed: z.boolean() }),
        }),
      },
      ...commonErrors,
      ...notFoundError,
      409: {
        description: '`already_noticed`: this notifier sent a notice about one of the comments',
        schema: errorSchema,
      },
      ...rateLimitedError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/moderation/notices',
    tag: 'DSA',
    auth: staffAuth,
    summary: "The notice queue: trusted flaggers' notices first, then oldest first",
    params: siteParams,
    query: noticeQuery,
    responses: {
      200: {
        description: 'a page',
        schema: z.object({ items: z.array(noticeSchema), nextOffset: z.number().nullable() }),
      },
      ...commonErrors,
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/moderation/notices/:noticeId/decision',
    tag: 'DSA',
    auth: staffAuth,
    summary: 'Decide a notice: remove the comments (statements of reasons to their authors) or take no action',
    params: siteParams.extend({ noticeId: uuidSchema }),
    body: noticeDecisionBody,
    responses: {
      200: { description: 'decided; the notifier is told', schema: z.object({ notice: noticeSchema }) },
      ...commonErrors,
      ...notFoundError,
      409: { description: '`already_decided`', schema: errorSchema },
    },
  }),
];

/** The site, which must have the DSA features on. */
export async function dsaSite(deps: Pick<ApiDeps, 'db'>, siteId: string): Promise<Site> {
  const site = await findSite(deps.db, siteId);
  if (!site) throw new NotFoundError('site');
  if (!site.settings.dsa.enabled) throw new ForbiddenError('dsa_disabled', 'this site has the DSA features turned off');
  return site;
}

const reference = () => `N-${randomBytes(9).toString('base64url').replace(/[-_]/g, 'X').slice(0, 12).toUpperCase()}`;
export const hashCode = (code: string) => createHash('sha256').update(code).digest();

export function noticeRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  // Signed in or not: a token, when sent, must be valid.
  const optionalBearer: RequestHandler = (req, res, next) =>
    req.headers.authorization ? bearer(req, res, next) : next();

  r.get('/sites/:siteId/notices/form', async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const site = await findSite(deps.db, siteId);
    if (!site) throw new NotFoundError('site');
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json({
      enabled: site.settings.dsa.enabled,
      categories: site.settings.dsa.enabled ? site.settings.dsa.categories : [],
    });
  });

  r.post('/sites/:siteId/notices', optionalBearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    const user = req.principal ? userOf(req, siteId) : null;
    const body = parse(noticeBody, req.body);
    await consume(deps.limiters, deps.limiters.noticeIp, `${siteId}:${clientKey(req.ip)}`);
    const site = await dsaSite(deps, siteId);
    const category = site.settings.dsa.categories.find((c) => c.id === body.category);
    if (!category)
      throw new ValidationError("invalid request: category: not one of the site's categories", [
        { path: 'category', message: `one of ${site.settings.dsa.categories.map((c) => c.id).join(', ')}` },
      ]);
    const account = user ? await findUser(deps.db, siteId, user.userId) : null;
    if (user && !account) throw new NotFoundError('user');
    const name = body.name || account?.displayName || '';
    const email = body.email ?? account?.email ?? null;
    if (!account && (!name || !email))
      throw new ValidationError('invalid request: name and email are required for a notice sent without signing in', [
        { path: !name ? 'name' : 'email', message: 'required without an account' },
      ]);
    const notifier = { notifierId: account?.id ?? null, notifierEmail: email };
    const key = notifierKey(notifier);
    await consume(deps.limiters, deps.limiters.noticeNotifier, `${siteId}:${key}`);
    const suspended = await noticesSuspendedUntil(deps, siteId, { key, emails: [email, account?.email] });
    if (suspended)
      throw new ForbiddenError(
        'notices_suspended',
        `notices from you are not processed until ${suspended.toISOString()} (too many manifestly unfounded notices)`,
      );
    const trusted = account ? await isTrustedFlagger(deps.db, siteId, account.id) : false;
    const appealCode = randomBytes(18).toString('base64url');
    const ref = reference();
    const stored = await withTransaction(deps.db, async (tx) => {
      const out = await insertNotice(tx, {
        siteId,
        reference: ref,
        ...notifier,
        notifierName: name,
        category: category.id,
        explanation: body.explanation,
        trusted,
        appealCodeHash: hashCode(appealCode),
        commentIds: body.comments,
      });
      // Nothing is stored when one comment is unknown or already noticed by this notifier.
      if ('missing' in out) throw new NotFoundError(`comment ${out.missing.join(', ')}`);
      if ('duplicates' in out)
        throw new ConflictError('already_noticed', `you sent a notice about ${out.duplicates.join(', ')} already`);
      return out;
    });
    let mailed = false;
    if (email && deps.mailer.state === 'configured') {
      try {
        await deps.mailer.send(
          noticeReceiptMail(
            email,
            { reference: ref, appealCode, commentIds: body.comments, category: category.label },
            site.name,
          ),
        );
        mailed = true;
      } catch (err) {
        req.log.warn({ err }, 'could not mail a notice receipt');
      }
    }
    res.status(201).json({
      notice: {
        id: stored.id,
        reference: ref,
        status: 'open',
        trusted,
        category: category.id,
        comments: body.comments,
      },
      appealCode,
      receipt: { mailed },
    });
  });

  r.get('/sites/:siteId/moderation/notices', bearer, async (req, res) => {
    const { siteId } = parse(siteParams, req.params, 'path');
    await staffOf(deps.db, req, siteId, 'moderator');
    await dsaSite(deps, siteId);
    const q = parse(noticeQuery, req.query, 'query');
    const rows = await listNotices(deps.db, { siteId, status: q.status, limit: q.limit, offset: q.offset });
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      items: rows.slice(0, q.limit).map(noticeView),
      nextOffset: rows.length > q.limit ? q.offset + q.limit : null,
    });
  });

  r.post('/sites/:siteId/moderation/notices/:noticeId/decision', bearer, async (req, res) => {
    const { siteId, noticeId } = parse(siteParams.extend({ noticeId: uuidSchema }), req.params, 'path');
    const staff = await staffOf(deps.db, req, siteId, 'moderator');
    const body = parse(noticeDecisionBody, req.body);
    const site = await dsaSite(deps, siteId);
    const actor = { id: staff.userId, name: staff.name };
    const done = await withTransaction(deps.db, async (tx) => {
      const notice = await findNotice(tx, siteId, { id: noticeId }, true);
      if (!notice) throw new NotFoundError('notice');
      if (notice.status !== 'open')
        throw new ConflictError('already_decided', `this notice was decided (${notice.status})`);
      await decideNotice(tx, {
        siteId,
        id: noticeId,
        status: body.action === 'remove' ? 'actioned' : 'no_action',
        manifestlyUnfounded: body.action === 'no_action' && body.manifest,
        decidedBy: staff.userId,
        reason: body.reason,
      });
      const removed =
        body.action === 'remove'
          ? await removeNoticedComments(tx, {
              notice,
              actor,
              reason: body.reason,
              ground: body.ground,
              manifestlyIllegal: body.manifest,
              settings: site.settings,
              via: `notice:${noticeId}`,
            })
          : { posts: new Set<string>(), statements: [], changes: [] };
      await insertAudit(tx, {
        siteId,
        actor,
        action: body.action === 'remove' ? 'dsa.notice_actioned' : 'dsa.notice_no_action',
        before: { notice: notice.reference, status: 'open' },
        after: { status: body.action === 'remove' ? 'actioned' : 'no_action', manifest: body.manifest },
        reason: body.reason,
      });
      return { notice, ...removed };
    });
    await announcePosts(deps, siteId, done.posts);
    commentsChanged(deps, siteId, staff.userId, done.changes);
    for (const s of done.statements) await mailStatement(deps, s);
    const n = done.notice;
    if (n.notifierEmail && deps.mailer.state === 'configured') {
      await deps.mailer
        .send(
          noticeDecisionMail(
            n.notifierEmail,
            { reference: n.reference, actioned: body.action === 'remove', reason: body.reason },
            site.name,
            site.settings.dsa,
          ),
        )
        .catch((err: unknown) => req.log.warn({ err }, 'could not mail a notice decision'));
    }
    // Art. 23: manifest findings count against the authors or the notifier.
    if (body.manifest && body.action === 'remove') {
      const authors = new Set(done.statements.map((s) => s.userId).filter((u): u is string => u !== null));
      for (const userId of authors) {
        const author = await findUser(deps.db, siteId, userId);
        await applyMisuseRule(deps, {
          siteId,
          siteName: site.name,
          settings: site.settings,
          kind: 'illegal_content',
          subject: `u:${userId}`,
          userId,
          email: author?.email ?? null,
        });
      }
    }
    if (body.manifest && body.action === 'no_action') {
      await applyMisuseRule(deps, {
        siteId,
        siteName: site.name,
        settings: site.settings,
        kind: 'unfounded_notices',
        subject: notifierKey(n),
        userId: n.notifierId,
        email: n.notifierEmail,
      });
    }
    const fresh = await findNotice(deps.db, siteId, { id: noticeId });
    if (!fresh) throw new AppError('internal', 500, 'the notice went away');
    res.json({ notice: noticeView(fresh) });
  });

  return r;
}
