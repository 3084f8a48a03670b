import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cachedVerifier, issueAccessToken, tokenKeys, verifyAccessToken } from '#api/auth/tokens.js';
import { waitFor } from '../support/wait-for.js';

const keys = tokenKeys('k'.repeat(40), 3600);
const user = { id: 'u1', siteId: 'site-a', role: 'commenter' as const, tokenVersion: 3 };

describe('access tokens', () => {
  it('when a token is issued, then it verifies to its user, site and role', async () => {
    const token = await issueAccessToken(keys, user);
    assert.deepEqual(await verifyAccessToken(keys, token), {
      kind: 'user',
      userId: 'u1',
      siteId: 'site-a',
      role: 'commenter',
      tokenVersion: 3,
      moderation: false,
    });
    // The moderation page's token says so; only that one reaches staff routes.
    const moderation = await verifyAccessToken(keys, await issueAccessToken(keys, user, 'moderation'));
    assert.equal(moderation?.kind === 'user' && moderation.moderation, true);
  });
  it('when a token is signed with another key or altered, then it does not verify, cached or not', async () => {
    const verify = cachedVerifier(keys);
    const good = await issueAccessToken(keys, user);
    assert.ok(await verify(good));
    const foreign = await issueAccessToken(tokenKeys('x'.repeat(40), 3600), user);
    assert.equal(await verify(foreign), null);
    const [h, , s] = good.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'u1', site: 'site-b', role: 'admin' })).toString('base64url')}.${s}`;
    assert.equal(await verify(forged), null);
  });
  it('when a cached token expires, then the cache stops accepting it', async () => {
    const verify = cachedVerifier(keys);
    // Lifetimes count in whole seconds from a rounded-down issue time: 3 s is at least 2 s of validity.
    const shortLived = await issueAccessToken(tokenKeys('k'.repeat(40), 3), user);
    assert.ok(await verify(shortLived));
    await waitFor(async () => (await verify(shortLived)) === null, {
      timeoutMs: 8000,
      intervalMs: 200,
      what: 'the token to expire',
    });
  });
});
