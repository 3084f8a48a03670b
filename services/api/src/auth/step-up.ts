import type { ApiDeps } from '../deps.js';
import { countAttempt } from '../http/rate-limit.js';
import { AppError } from '../http/app-error.js';
import { verifyPassword } from '#shared/passwords.js';
import { findPasswordUser } from '#shared/db/users.js';
import type { User } from '#shared/domain.js';

/**
 * What a signed-in staff member proves again before a lasting change (enrolling an authenticator, minting an API
 * key): a stolen access token alone cannot make one. Every check counts as a failed sign-in as it arrives — against
 * the account's code budget and its sign-in budget, so guesses sent at once all count — and is refunded when right.
 */
export function stepUpChecks(deps: Pick<ApiDeps, 'db' | 'limiters'>) {
  const countCheck = async (u: User): Promise<() => Promise<unknown>> => {
    const onCodes = await countAttempt(deps.limiters, deps.limiters.loginFailures, `${u.siteId}:totp:${u.id}`, {
      block: true,
    });
    const onAccount = u.email
      ? await countAttempt(deps.limiters, deps.limiters.loginAccountFailures, `${u.siteId}:${u.email.toLowerCase()}`, {
          block: false,
        })
      : null;
    return () => Promise.all([onCodes.refund(), onAccount?.refund()]);
  };

  /** The account's password, asked again; a wrong one is `401 invalid_credentials` and counts as a failed sign-in. */
  const usePassword = async (u: User, password: string): Promise<void> => {
    const notFailed = await countCheck(u);
    const stored = u.email ? await findPasswordUser(deps.db, u.siteId, u.email) : null;
    const right = await verifyPassword(stored?.id === u.id ? stored.passwordHash : null, password);
    if (!right) throw new AppError('invalid_credentials', 401, 'wrong password');
    await notFailed();
  };

  return { countCheck, usePassword };
}
