import type { Queryable } from './pool.js';
import type { CommentStatus } from '../domain.js';
import { DEFAULT_SETTINGS } from '../settings.js';
import { ADAPTER_HEAD_BYTES, adapterHeadOf, DEFAULT_ADAPTER_OPTIONS } from '../scoring/model/adapter.js';

/**
 * What moderators' decisions teach: the labeled examples (approve = 0, reject = 1) a site's adapter
 * learns from, the adapter's stored state, and the measured precision of the likely-fine lane.
 */

/**
 * A comment's predicted rejection: its TOXICITY as stored (the site's adapter's when it scored it); none, as for a
 * comment no scorer scored, when a chosen scorer could not run or could not read it (`scorer_unavailable`): what was
 * scored does not vouch for it, so it sorts with the unscored and never enters the likely-fine lane.
 */
export const RISK_SQL = `CASE WHEN c.reasons @> '[{"rule": "scorer_unavailable"}]' THEN NULL ELSE (c.scores->>'TOXICITY')::float8 END`;

/**
 * Records a moderator's approve (0) or reject (1) of a comment, with its predicted rejection, whether it was in the
 * likely-fine lane (held, below the site's level) when decided, and whether a bulk action made it. One standing
 * decision per (site, comment, label): returns the new row's id, or null when this decision stands already.
 */
export async function recordDecision(
  db: Queryable,
  d: { siteId: string; commentId: string; label: 0 | 1; before: CommentStatus; bulk?: boolean },
): Promise<string | null> {
  const res = await db.query<{ id: string }>({
    name: 'record-moderation-decision',
    text: `INSERT INTO moderation_decisions (site_id, comment_id, label, risk, in_likely_fine, bulk)
           SELECT c.site_id, c.id, $3, ${RISK_SQL},
                  coalesce($4::text = 'pending' AND ${RISK_SQL} < CASE
                    WHEN jsonb_typeof(s.settings->'likelyFineBelow') = 'number'
                    THEN (s.settings->>'likelyFineBelow')::float8 ELSE $5 END, false), $6
             FROM comments c JOIN sites s ON s.id = c.site_id
            WHERE c.id = $2 AND c.site_id = $1
           ON CONFLICT (site_id, comment_id, label) WHERE voided_at IS NULL DO NOTHING
           RETURNING id`,
    values: [d.siteId, d.commentId, d.label, d.before, DEFAULT_SETTINGS.likelyFineBelow, d.bulk === true],
  });
  return res.rows[0]?.id ?? null;
}

/**
 * A comment's decisions stop standing (its text changed, or a removal was overturned on appeal; `label` alone when
 * given): those the adapter has not learned yet are deleted, the others voided, so the lane's precision and the
 * scorers' agreement no longer count them and the comment can be decided again.
 */
export async function withdrawDecisions(
  db: Queryable,
  q: { siteId: string; commentId: string; label?: 0 | 1 },
): Promise<void> {
  const label = q.label ?? null;
  await db.query(
    `DELETE FROM moderation_decisions
      WHERE site_id = $1 AND comment_id = $2 AND ($3::int IS NULL OR label = $3) AND learned_at IS NULL`,
    [q.siteId, q.commentId, label],
  );
  await db.query(
    `UPDATE moderation_decisions SET voided_at = now()
      WHERE site_id = $1 AND comment_id = $2 AND ($3::int IS NULL OR label = $3) AND voided_at IS NULL`,
    [q.siteId, q.commentId, label],
  );
}

/** One decision still to learn, with what the model reads of its comment. */
export interface LearningExample {
  id: string;
  label: 0 | 1;
  text: string;
  parentText: string | null;
  /** Null when the title is not the publisher's (a widget sent it). */
  articleTitle: string | null;
}

/**
 * Locks the site's adapter row (creating it), so learners and resets of one site apply one after the
 * other; call inside a transaction. Returns the stored state (null: the shared model as it ships).
 */
export async function lockSiteAdapter(tx: Queryable, siteId: string): Promise<{ state: Uint8Array | null }> {
  await tx.query('INSERT INTO site_adapters (site_id) VALUES ($1) ON CONFLICT (site_id) DO NOTHING', [siteId]);
  const res = await tx.query<{ state: Buffer | null }>(
    'SELECT state FROM site_adapters WHERE site_id = $1 FOR UPDATE',
    [siteId],
  );
  return { state: res.rows[0]?.state ?? null };
}

/** The site's decisions not yet learned, oldest first, with each comment's text, parent's text and article title. */
export async function listUnlearned(tx: Queryable, siteId: string, limit: number): Promise<LearningExample[]> {
  const res = await tx.query<{
    id: string;
    label: number;
    body: string;
    parent_body: string | null;
    title: string | null;
  }>(
    `SELECT d.id, d.label, c.body, par.body AS parent_body, CASE WHEN p.title_verified THEN p.title END AS title
       FROM moderation_decisions d
       JOIN comments c ON c.id = d.comment_id AND c.site_id = d.site_id
       JOIN posts p ON p.site_id = c.site_id AND p.id = c.post_id
       LEFT JOIN comments par ON par.id = c.parent_id AND par.site_id = c.site_id
      WHERE d.site_id = $1 AND d.learned_at IS NULL
      ORDER BY d.id
      LIMIT $2`,
    [siteId, limit],
  );
  return res.rows.map((r) => ({
    id: r.id,
    label: r.label === 1 ? 1 : 0,
    text: r.body,
    parentText: r.parent_body,
    articleTitle: r.title,
  }));
}

/** How the shared model and the adapter did on the adapter's recent decisions (scored before learning each). */
export interface AdapterStats {
  /** Decisions learned since creation or the last reset. */
  total: number;
  /** Decisions in the evaluation window, and how many were rejections. */
  n: number;
  positives: number;
  base: { auc: number | null; logLoss: number | null };
  adapter: { auc: number | null; logLoss: number | null };
}

/** Stores the adapter learned from `learnedIds` and marks them learned, in the row-locked transaction. */
export async function saveSiteAdapter(
  tx: Queryable,
  a: { siteId: string; state: Uint8Array; stats: AdapterStats; inUse: boolean; learnedIds: string[] },
): Promise<number> {
  const res = await tx.query<{ version: string }>(
    `WITH learned AS (
       UPDATE moderation_decisions SET learned_at = now() WHERE site_id = $1 AND id = ANY($5::bigint[])
     )
     UPDATE site_adapters SET state = $2, stats = $3, in_use = $4, version = version + 1, updated_at = now()
      WHERE site_id = $1
     RETURNING version`,
    [a.siteId, Buffer.from(a.state), JSON.stringify(a.stats), a.inUse, a.learnedIds],
  );
  return Number(res.rows[0]!.version);
}

/** The adapter's state for scoring (the worker caches it by version). */
export async function loadSiteAdapterState(
  db: Queryable,
  siteId: string,
): Promise<{ state: Uint8Array | null; version: number; inUse: boolean } | null> {
  const res = await db.query<{ state: Buffer | null; version: string; in_use: boolean }>(
    'SELECT state, version, in_use FROM site_adapters WHERE site_id = $1',
    [siteId],
  );
  const r = res.rows[0];
  return r ? { state: r.state, version: Number(r.version), inUse: r.in_use } : null;
}

/**
 * Back to the shared model: the state and its evaluation are dropped and the decisions not yet learned
 * are discarded (a reset forgets what moderators taught so far). The adapter row is locked first, so a
 * learner running now finishes before, or starts after, the reset.
 */
export async function resetSiteAdapter(tx: Queryable, siteId: string): Promise<void> {
  await tx.query(
    `INSERT INTO site_adapters (site_id, version, reset_at) VALUES ($1, 1, now())
     ON CONFLICT (site_id) DO UPDATE SET state = NULL, stats = NULL, in_use = false,
       version = site_adapters.version + 1, reset_at = now(), updated_at = now()`,
    [siteId],
  );
  await tx.query('UPDATE moderation_decisions SET learned_at = now() WHERE site_id = $1 AND learned_at IS NULL', [
    siteId,
  ]);
}

export interface SiteAdapterStatus {
  inUse: boolean;
  stats: AdapterStats | null;
  updatedAt: Date | null;
  resetAt: Date | null;
  /** Decisions recorded and not yet learned. */
  waiting: number;
  /**
   * Whether the adapter reads the words near a protected group's name (`AdapterOptions.groupContext`): false for one
   * started before adapters could, until it is reset; true when the site has none yet (the next one will).
   */
  groupContext: boolean;
  /** The shared model version its shadow window was scored with (`Adapter.model`); null when none is recorded. */
  learnedOn: string | null;
}

/**
 * What a saved state's head says: whether it reads the words near a group, and the shared model its window was scored
 * with. A state that cannot be read is scored without an adapter (site-adapters.ts): neither.
 */
function stateHead(head: Uint8Array): { groupContext: boolean; learnedOn: string | null } {
  try {
    const { options, model } = adapterHeadOf(head);
    return { groupContext: options.groupContext, learnedOn: model };
  } catch {
    return { groupContext: false, learnedOn: null };
  }
}

export async function findSiteAdapterStatus(db: Queryable, siteId: string): Promise<SiteAdapterStatus> {
  const res = await db.query<{
    in_use: boolean | null;
    stats: AdapterStats | null;
    updated_at: Date | null;
    reset_at: Date | null;
    waiting: number;
    head: Buffer | null;
  }>(
    `SELECT a.in_use, a.stats, a.updated_at, a.reset_at, substring(a.state FROM 1 FOR $2) AS head,
            (SELECT count(*) FROM moderation_decisions WHERE site_id = $1 AND learned_at IS NULL)::int AS waiting
       FROM (SELECT 1) one LEFT JOIN site_adapters a ON a.site_id = $1`,
    [siteId, ADAPTER_HEAD_BYTES],
  );
  const r = res.rows[0]!;
  return {
    inUse: r.in_use === true,
    stats: r.stats,
    updatedAt: r.updated_at,
    resetAt: r.reset_at,
    waiting: r.waiting,
    ...(r.head ? stateHead(r.head) : { groupContext: DEFAULT_ADAPTER_OPTIONS.groupContext, learnedOn: null }),
  };
}

/**
 * The likely-fine lane's record, from the standing decisions on comments that were in it: those made one at a time
 * (`decided`) and how many of them were approvals, which is the lane's measured precision; and those made in bulk
 * (`bulkDecided`), which say what moderators did with the lane, not what is in it.
 */
export async function likelyFineRecord(
  db: Queryable,
  siteId: string,
): Promise<{ decided: number; approved: number; bulkDecided: number }> {
  const res = await db.query<{ decided: number; approved: number; bulk_decided: number }>(
    `SELECT count(*) FILTER (WHERE NOT bulk)::int AS decided,
            count(*) FILTER (WHERE NOT bulk AND label = 0)::int AS approved,
            count(*) FILTER (WHERE bulk)::int AS bulk_decided
       FROM moderation_decisions WHERE site_id = $1 AND in_likely_fine AND voided_at IS NULL`,
    [siteId],
  );
  const r = res.rows[0]!;
  return { decided: r.decided, approved: r.approved, bulkDecided: r.bulk_decided };
}

/** Held comments in the likely-fine lane now (predicted rejection below `below`), as the lane lists them. */
export async function countLikelyFine(db: Queryable, siteId: string, below: number): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM comments c
      WHERE c.site_id = $1 AND c.status = 'pending' AND c.deleted_at IS NULL AND ${RISK_SQL} < $2`,
    [siteId, below],
  );
  return res.rows[0]!.n;
}
