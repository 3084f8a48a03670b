/** Secrets the repository publishes (examples, development defaults): never accepted outside development. */
const PUBLISHED = /change-?me|dev-only|demo-only|example|not-for-production/i;

/** The estimate a secret must reach: 128 bits, what a random 22-character base64 string carries. */
export const MIN_SECRET_BITS = 128;

/**
 * A cautious estimate of a secret's entropy, in bits: its length times the Shannon entropy of its
 * characters' frequencies. A random base64 string of 32 bytes (44 characters) scores about 220; a
 * repeated character 0; a short word or a pattern far less than its length suggests.
 */
export function estimatedBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...secret].length;
  let perChar = 0;
  for (const c of counts.values()) perChar -= (c / n) * Math.log2(c / n);
  return n * perChar;
}

/** Why a secret is too weak to sign with, or null when it will do. */
export function weakSecretReason(secret: string): string | null {
  if (PUBLISHED.test(secret)) return 'a published example or development value';
  if (new Set(secret).size <= 1) return 'one repeated character';
  const bits = Math.floor(estimatedBits(secret));
  if (bits < MIN_SECRET_BITS)
    return `about ${bits} bits of entropy, fewer than ${MIN_SECRET_BITS} (generate one: openssl rand -base64 32)`;
  return null;
}
