/**
 * Decides when to record an API key's use: at most once a minute per key and process, so a
 * busy integration costs no write per request. last_used_at is therefore exact to a minute.
 */
export function keyUseThrottle(intervalMs = 60_000, max = 10_000): (keyId: string) => boolean {
  const last = new Map<string, number>();
  return (keyId) => {
    const now = Date.now();
    const prev = last.get(keyId);
    if (prev !== undefined && now - prev < intervalMs) return false;
    if (last.size >= max) last.clear();
    last.set(keyId, now);
    return true;
  };
}
