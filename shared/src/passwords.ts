import argon2 from 'argon2';

// OWASP's Argon2id recommendation (m=19 MiB, t=2, p=1): strong, and cheap enough for a busy login.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, OPTIONS);

// Verified against when the account does not exist, so timing does not reveal which emails are registered.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  const target = hash ?? (await (dummyHash ??= hashPassword('not-a-real-password')));
  const ok = await argon2.verify(target, password).catch(() => false);
  return hash !== null && ok;
}
