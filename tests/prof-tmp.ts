import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { createTestEnv } from './support/env.js';
import { buildSite, buildPost, signSso } from './support/builders.js';
const env = await createTestEnv({ RATE_LIMITS: 'off' });
const site = await buildSite(env.db); const post = await buildPost(env.db, site.siteId);
const api = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--import', 'tsx', 'services/api/src/main.ts'], { env: { ...env.childEnv, PORT: '3999', NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'warn' }, stdio: 'inherit' });
await new Promise((r) => setTimeout(r, 3000));
const tokens: string[] = [];
for (let i = 0; i < 50; i++) {
  const r = await fetch('http://127.0.0.1:3999/api/v1/auth/sso', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ siteId: site.siteId, token: await signSso(site.ssoSecret) }) });
  tokens.push(((await r.json()) as { accessToken: string }).accessToken);
}
let i = 0;
const res = await autocannon({ url: `http://127.0.0.1:3999/api/v1/sites/${site.siteId}/posts/${post}/comments`, connections: 50, duration: 8, method: 'POST',
  requests: [{ setupRequest: (req: any) => ({ ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i++ % 50]}` }, body: JSON.stringify({ body: `hello ${i}` }) }) }] });
console.log('req/s', res.requests.average, 'p50', res.latency.p50, 'p99', res.latency.p99, 'non2xx', res.non2xx);
api.kill('SIGTERM');
await new Promise((r) => api.once('exit', r));
await env.close();
