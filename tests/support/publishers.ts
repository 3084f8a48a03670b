import type { Express } from 'express';
import type { Pool } from '../../shared/src/db/pool.js';
import type { Scorer } from '../../services/worker/src/scorers/types.js';
import { signInReader, type BuiltSite } from './builders.js';

/** A signed-in staff member: a reader promoted in the database (staff roles are re-read on every request). */
export async function signInStaff(app: Express, db: Pool, site: BuiltSite, role: 'admin' | 'moderator' = 'admin') {
  const reader = await signInReader(app, site, { name: `Staff ${role}` });
  await db.query('UPDATE users SET role = $2 WHERE id = $1', [reader.user.id, role]);
  return reader;
}

/**
 * An embedded scorer that decides by a marker word, so tests get each status on purpose:
 * "HOLDME" scores above the default hold threshold, "REJECTME" above the reject threshold.
 */
export const markerScorer = (): Scorer => ({
  name: 'embedded',
  score: async (text) => ({
    attributes: {
      TOXICITY: text.includes('HOLDME') ? 0.85 : 0.01,
      SEVERE_TOXICITY: text.includes('REJECTME') ? 0.99 : 0.01,
    },
    provider: 'marker', model: 'marker-1', latencyMs: 1,
  }),
});
