import type { Queryable } from './pool.js';

export interface ApiKeyRecord {
  id: string;
  siteId: string;
  label: string;
  secretHash: Buffer;
  scopes: string[];
  revokedAt: Date | null;
}

export async function insertApiKey(
  db: Queryable,
  k: { id: string; siteId: string; label: string; secretHash: Buffer; scopes: string[]; createdBy?: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO api_keys (id, site_id, label, secret_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
    [k.id, k.siteId, k.label, k.secretHash, k.scopes, k.createdBy ?? null],
  );
}

export async function findApiKey(db: Queryable, id: string): Promise<ApiKeyRecord | null> {
  const res = await db.query<{
    id: string;
    site_id: string;
    label: string;
    secret_hash: Buffer;
    scopes: string[];
    revoked_at: Date | null;
  }>(`SELECT id, site_id, label, secret_hash, scopes, revoked_at FROM api_keys WHERE id = $1`, [id]);
  const r = res.rows[0];
  return r
    ? {
        id: r.id,
        siteId: r.site_id,
        label: r.label,
        secretHash: r.secret_hash,
        scopes: r.scopes,
        revokedAt: r.revoked_at,
      }
    : null;
}

/** Records use, at most once a minute per key so a busy integration does not write on every call. */
export async function touchApiKey(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now()
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
  );
}

/** A key as its site's admins see it (never the secret or its hash). */
export interface ApiKeyView {
  id: string;
  label: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The admin account that made it or revoked it; null for the operator's CLI. */
  createdBy: string | null;
  revokedBy: string | null;
}

const VIEW_COLS = `id, label, scopes, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt",
  created_by AS "createdBy", revoked_by AS "revokedBy"`;

export async function listApiKeys(db: Queryable, siteId: string): Promise<ApiKeyView[]> {
  const res = await db.query<ApiKeyView>(
    `SELECT ${VIEW_COLS} FROM api_keys WHERE site_id = $1 ORDER BY created_at, id`,
    [siteId],
  );
  return res.rows;
}

export async function findApiKeyView(db: Queryable, siteId: string, id: string): Promise<ApiKeyView | null> {
  const res = await db.query<ApiKeyView>(`SELECT ${VIEW_COLS} FROM api_keys WHERE site_id = $1 AND id = $2`, [
    siteId,
    id,
  ]);
  return res.rows[0] ?? null;
}

/**
 * Revokes a key of the site (at once: every request reads the key's row), by an admin account (null: the operator).
 * Returns whether the key exists and whether this call revoked it (false: it was revoked before, and stays as it was).
 */
export async function revokeApiKey(
  db: Queryable,
  siteId: string,
  id: string,
  by: string | null = null,
): Promise<{ found: boolean; revokedNow: boolean }> {
  const now = await db.query(
    `UPDATE api_keys SET revoked_at = now(), revoked_by = $3 WHERE site_id = $1 AND id = $2 AND revoked_at IS NULL`,
    [siteId, id, by],
  );
  if (now.rowCount === 1) return { found: true, revokedNow: true };
  const there = await db.query(`SELECT 1 FROM api_keys WHERE site_id = $1 AND id = $2`, [siteId, id]);
  return { found: there.rowCount === 1, revokedNow: false };
}
