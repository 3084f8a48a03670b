import DataLoader from 'dataloader';

/**
 * Loads keys in batches, one statement for several: the callers that ask while `maxInFlight` statements
 * are running gather into the next one (up to `maxBatch` keys), so under load one round trip and one
 * plan serve many, and a lone caller waits only for its turn of the event loop. Nothing is cached: every
 * key is read by a statement sent after it was asked for. A statement that fails for several keys is sent
 * again for each key alone, so one key's bad data fails only its caller (when the database is down, every
 * caller fails as before). `load` answers in the order of its keys (a value or an Error for each).
 */
export function createBatchLoader<K, V>(
  load: (keys: readonly K[]) => Promise<(V | Error)[]>,
  o: { maxBatch: number; maxInFlight: number },
): (key: K) => Promise<V> {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  // A finished statement hands its slot to the oldest batch waiting for one.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  const loader = new DataLoader<K, V>(
    async (keys) => {
      try {
        return await load(keys);
      } catch (err) {
        if (keys.length === 1) throw err;
        return Promise.all(
          keys.map((k) =>
            load([k]).then(
              (r) => r[0]!,
              (e: unknown) => e as Error,
            ),
          ),
        );
      } finally {
        release();
      }
    },
    {
      cache: false,
      maxBatchSize: o.maxBatch,
      batchScheduleFn: (dispatch) => {
        if (inFlight < o.maxInFlight) {
          inFlight++;
          setImmediate(dispatch);
        } else waiting.push(dispatch);
      },
    },
  );
  return (key) => loader.load(key);
}
