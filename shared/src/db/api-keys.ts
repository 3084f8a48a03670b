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
  k: { id: string; siteId: string; label: string; secretHash: Buffer; scopes: string[] },
): Promise<void> {
  await db.query(
    `INSERT INTO api_keys (id, site_id, label, secret_hash, scopes) VALUES ($1, $2, $3, $4, $5)`,
    [k.id, k.siteId, k.label, k.secretHash, k.scopes],
  );
}

export async function findApiKey(db: Queryable, id: string): Promise<ApiKeyRecord | null> {
  const res = await db.query<{ id: string; site_id: string; label: string; secret_hash: Buffer; scopes: string[]; revoked_at: Date | null }>(
    `SELECT id, site_id, label, secret_hash, scopes, revoked_at FROM api_keys WHERE id = $1`,
    [id],
  );
  const r = res.rows[0];
  return r ? { id: r.id, siteId: r.site_id, label: r.label, secretHash: r.secret_hash, scopes: r.scopes, revokedAt: r.revoked_at } : null;
}

/** Records use, at most once a minute per key so a busy integration does not write on every call. */
export async function touchApiKey(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now()
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
  );
}
