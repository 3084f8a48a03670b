import type { Queryable } from './pool.js';

/** The readers a reader muted on a site, with their names, newest first. */
export async function listMutes(
  db: Queryable,
  q: { siteId: string; userId: string },
): Promise<{ id: string; name: string }[]> {
  const res = await db.query<{ id: string; name: string }>(
    `SELECT u.id, u.display_name AS name FROM reader_mutes m JOIN users u ON u.id = m.muted_id
      WHERE m.site_id = $1 AND m.user_id = $2 ORDER BY m.created_at DESC LIMIT 500`,
    [q.siteId, q.userId],
  );
  return res.rows;
}

/** Mutes a reader of the same site; false when there is no such reader (another site's never is). */
export async function addMute(db: Queryable, q: { siteId: string; userId: string; mutedId: string }): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO reader_mutes (user_id, muted_id, site_id)
     SELECT $2, u.id, $1 FROM users u WHERE u.id = $3 AND u.site_id = $1
     ON CONFLICT (user_id, muted_id) DO NOTHING
     RETURNING 1`,
    [q.siteId, q.userId, q.mutedId],
  );
  if ((res.rowCount ?? 0) > 0) return true;
  const exists = await db.query('SELECT 1 FROM users WHERE id = $1 AND site_id = $2', [q.mutedId, q.siteId]);
  return (exists.rowCount ?? 0) > 0;
}

/** Unmutes; false when the muted id is no reader of the site (so another site's ids are not answered as done). */
export async function removeMute(
  db: Queryable,
  q: { siteId: string; userId: string; mutedId: string },
): Promise<boolean> {
  await db.query('DELETE FROM reader_mutes WHERE site_id = $1 AND user_id = $2 AND muted_id = $3', [
    q.siteId,
    q.userId,
    q.mutedId,
  ]);
  const exists = await db.query('SELECT 1 FROM users WHERE id = $1 AND site_id = $2', [q.mutedId, q.siteId]);
  return (exists.rowCount ?? 0) > 0;
}
