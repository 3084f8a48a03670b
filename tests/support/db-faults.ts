import type { Queryable } from '#shared/db/pool.js';

/** A write that fails once, as a process stopping at that point would; `remove()` takes the fault away. */
export interface InjectedFault {
  /** How many writes met the condition so far, the one that failed included. */
  matched(): Promise<number>;
  remove(): Promise<void>;
}

/**
 * Makes the first write to `table` that `when` (a trigger's WHEN condition, on OLD and NEW) and `condition` (on
 * NEW) match fail with an exception; later ones go through. `name` names the trigger, its function and the
 * sequence that counts the matches; `on` is the trigger's event (`INSERT`, `UPDATE OF status`, …).
 */
export async function failFirstWrite(
  db: Queryable,
  o: { name: string; table: string; on: string; when?: string; condition: string },
): Promise<InjectedFault> {
  await db.query(`CREATE SEQUENCE IF NOT EXISTS ${o.name}`);
  await db.query(`CREATE OR REPLACE FUNCTION ${o.name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (${o.condition}) AND nextval('${o.name}') = 1 THEN
        RAISE EXCEPTION 'injected: the run stops here';
      END IF;
      RETURN NEW;
    END $$`);
  await db.query(`CREATE TRIGGER ${o.name} BEFORE ${o.on} ON ${o.table} FOR EACH ROW
    ${o.when ? `WHEN (${o.when})` : ''} EXECUTE FUNCTION ${o.name}()`);
  return {
    async matched() {
      const r = await db.query<{ n: string }>(
        `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM ${o.name}`,
      );
      return Number(r.rows[0]!.n);
    },
    async remove() {
      await db.query(`DROP TRIGGER IF EXISTS ${o.name} ON ${o.table}`);
    },
  };
}
