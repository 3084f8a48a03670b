import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { exited, freePort, runAdmin, startService } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';
import { signSso } from '../support/builders.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

let env: TestEnv;
const children: { kill(sig?: NodeJS.Signals): boolean }[] = [];

before(async () => {
  env = await createTestEnv();
});
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await env.close();
});

describe('operator CLI', () => {
  it('when sites:create runs, then it prints one JSON object with the secrets; running it again is idempotent without them', async () => {
    const first = await runAdmin(env.childEnv, [
      'sites:create',
      '--id',
      'demo',
      '--name',
      'Demo Daily',
      '--origin',
      'http://localhost:8080/',
    ]);
    assert.equal(first.code, 0, first.stderr);
    const site = JSON.parse(first.stdout);
    assert.deepEqual(Object.keys(site).sort(), ['apiKey', 'apiKeyScopes', 'id', 'name', 'origins', 'ssoSecret']);
    assert.deepEqual(site.apiKeyScopes, ['comments:read', 'posts:write']);
    assert.equal(site.id, 'demo');
    assert.deepEqual(site.origins, ['http://localhost:8080']);
    assert.match(site.apiKey, /^ck_[0-9a-f]{12}_/);
    const stored = await env.db.query<{ secret_hash: Buffer }>('SELECT secret_hash FROM api_keys WHERE site_id = $1', [
      'demo',
    ]);
    assert.equal(stored.rowCount, 1);
    assert.ok(!stored.rows[0]!.secret_hash.toString('latin1').includes(site.apiKey));

    const again = await runAdmin(env.childEnv, ['sites:create', '--id', 'demo', '--name', 'Demo Daily Renamed']);
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout);
    assert.equal(second.apiKey, null);
    assert.equal(second.name, 'Demo Daily Renamed');
    assert.deepEqual(second.origins, ['http://localhost:8080']);
    assert.match(again.stderr, /already exists/);
  });

  it('when flags are missing or invalid, then it exits 1 with a clear message and writes nothing', async () => {
    const bad = await runAdmin(env.childEnv, ['sites:create', '--id', 'Bad Id', '--name', 'x']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--id/);
    const noName = await runAdmin(env.childEnv, ['sites:create', '--id', 'ok-id']);
    assert.equal(noName.code, 1);
    assert.match(noName.stderr, /--name is required/);
    const rows = await env.db.query(`SELECT 1 FROM sites WHERE id IN ('ok-id')`);
    assert.equal(rows.rowCount, 0);
    const unknown = await runAdmin(env.childEnv, ['sites:explode']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /usage/);
  });

  it('when users:create runs twice for one email, then the account is updated, not duplicated', async () => {
    const args = ['users:create', '--site', 'demo', '--email', 'editor@example.com', '--password', 'a long password'];
    const first = await runAdmin(env.childEnv, [...args, '--role', 'moderator']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).role, 'moderator');
    const second = await runAdmin(env.childEnv, [...args, '--role', 'admin']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).role, 'admin');
    const rows = await env.db.query(
      `SELECT role FROM users WHERE site_id = 'demo' AND lower(email) = 'editor@example.com'`,
    );
    assert.deepEqual(rows.rows, [{ role: 'admin' }]);
    // A password reset without --role keeps the admin an admin.
    const reset = await runAdmin(env.childEnv, args);
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal(JSON.parse(reset.stdout).role, 'admin');
    const noSite = await runAdmin(env.childEnv, [
      'users:create',
      '--site',
      'nope',
      '--email',
      'a@example.com',
      '--password',
      'a long password',
      '--role',
      'admin',
    ]);
    assert.equal(noSite.code, 1);
    assert.match(noSite.stderr, /no site nope/);
    const badRole = await runAdmin(env.childEnv, [...args, '--role', 'owner']);
    assert.equal(badRole.code, 1);
  });
});

describe('services as processes', () => {
  it('when the API gets SIGTERM, then it finishes, closes its connections and exits 0', async () => {
    const port = await freePort();
    const apiProc = startService('services/api/src/main.ts', {
      ...env.childEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    children.push(apiProc);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, {
      what: 'api ready',
      timeoutMs: 20_000,
    });

    // A real sign-in and comment over the network.
    const site = JSON.parse(
      (await runAdmin(env.childEnv, ['sites:create', '--id', 'proc-site', '--name', 'P'])).stdout,
    );
    await fetch(`${base}/api/v1/sites/proc-site/posts/a1`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${site.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'A', url: 'https://example.com/a1' }),
    });
    const sso = (await fetch(`${base}/api/v1/auth/sso`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ siteId: 'proc-site', token: await signSso(site.ssoSecret) }),
    }).then((r) => r.json())) as { accessToken: string };
    const posted = await fetch(`${base}/api/v1/sites/proc-site/posts/a1/comments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sso.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ body: 'over the wire' }),
    });
    assert.equal(posted.status, 202);

    apiProc.kill('SIGTERM');
    assert.equal(await exited(apiProc), 0, apiProc.output());
    assert.match(apiProc.output(), /api stopped/);
  });

  it('when the API listens for h2c live streams (LIVE_H2C_PORT) and gets SIGTERM with a stream open, then the stream ends, the connection goes away and it exits 0', async () => {
    const [port, h2cPort] = [await freePort(), await freePort()];
    const apiProc = startService('services/api/src/main.ts', {
      ...env.childEnv,
      PORT: String(port),
      LIVE_H2C_PORT: String(h2cPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    children.push(apiProc);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200, {
      what: 'api ready',
      timeoutMs: 20_000,
    });
    await waitFor(() => /live streams \(h2c\) listening/.test(apiProc.output()), { what: 'the h2c listener' });
    const site = JSON.parse((await runAdmin(env.childEnv, ['sites:create', '--id', 'h2c-site', '--name', 'H'])).stdout);
    await fetch(`http://127.0.0.1:${port}/api/v1/sites/h2c-site/posts/a1`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${site.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'A', url: 'https://example.com/a1' }),
    });
    const session = http2.connect(`http://127.0.0.1:${h2cPort}`);
    session.on('error', () => undefined);
    let sessionClosed = false;
    session.once('close', () => (sessionClosed = true));
    let text = '';
    let ended = false;
    const stream = session.request({ ':method': 'GET', ':path': '/api/v1/sites/h2c-site/posts/a1/events' });
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => (text += d));
    stream.on('end', () => (ended = true));
    stream.on('error', () => undefined);
    await waitFor(() => text.includes(': live'), { what: 'the stream open' });

    apiProc.kill('SIGTERM');
    await waitFor(() => ended && sessionClosed, { what: 'the stream ended and its connection gone' });
    assert.equal(await exited(apiProc), 0, apiProc.output());
    assert.match(apiProc.output(), /api stopped/);
  });

  it('when the API gets SIGTERM with a request in flight on a keep-alive connection, then it answers it, closes the connection and exits 0', async () => {
    const pgUrl = new URL(env.config.DATABASE_URL);
    const proxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    pgUrl.host = `127.0.0.1:${proxy.port}`;
    const port = await freePort();
    const apiProc = startService('services/api/src/main.ts', {
      ...env.childEnv,
      DATABASE_URL: pgUrl.toString(),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    children.push(apiProc);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, {
      what: 'api ready',
      timeoutMs: 20_000,
    });

    // Hold Postgres: the next query waits, so the request is surely in flight when SIGTERM lands.
    proxy.hold();
    const inFlight = fetch(`${base}/api/v1/sites/proc-site/posts/a1`, { headers: { Connection: 'keep-alive' } });
    await waitFor(() => proxy.heldBytes() > 0, { what: 'the request to reach Postgres' });
    apiProc.kill('SIGTERM');
    await waitFor(() => /api draining/.test(apiProc.output()), { what: 'the API to start draining' });
    proxy.release();
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { post: { id: string } }).post.id, 'a1');
    assert.equal(await exited(apiProc), 0, apiProc.output());
    assert.doesNotMatch(apiProc.output(), /drain timed out/);
    await proxy.close();
  });

  it('when the worker gets SIGTERM, then it finishes its jobs and exits 0', async () => {
    const workerProc = startService('services/worker/src/main.ts', env.childEnv);
    children.push(workerProc);
    await waitFor(
      async () => {
        const rows = await env.db.query(`SELECT 1 FROM comments WHERE body = 'over the wire'`);
        return rows.rowCount === 1;
      },
      { what: 'the comment stored by the worker process', timeoutMs: 20_000 },
    );
    workerProc.kill('SIGTERM');
    assert.equal(await exited(workerProc), 0, workerProc.output());
  });

  it('when the worker gets SIGTERM while a job waits on Postgres, then it finishes that job, stores it once and exits 0', async () => {
    const pgUrl = new URL(env.config.DATABASE_URL);
    const proxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    pgUrl.host = `127.0.0.1:${proxy.port}`;
    const workerProc = startService('services/worker/src/main.ts', {
      ...env.childEnv,
      DATABASE_URL: pgUrl.toString(),
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    children.push(workerProc);
    await waitFor(() => /worker started/.test(workerProc.output()), { what: 'worker started', timeoutMs: 20_000 });
    const {
      rows: [author],
    } = await env.db.query<{ id: string }>(`SELECT id FROM users WHERE site_id = 'proc-site' LIMIT 1`);
    const { newId } = await import('#shared/ids.js');
    const { commentJobId, commentJobOptions } = await import('#shared/queues.js');
    const id = newId();

    proxy.hold();
    await env.queue.add(
      'moderate',
      {
        commentId: id,
        siteId: 'proc-site',
        postId: 'a1',
        authorId: author!.id,
        parentId: null,
        body: 'in flight at SIGTERM',
        acceptedAt: new Date().toISOString(),
      },
      { ...commentJobOptions({ attempts: 3 }), jobId: commentJobId(id) },
    );
    await waitFor(() => proxy.heldBytes() > 0, { what: 'the job to reach Postgres' });
    workerProc.kill('SIGTERM');
    await waitFor(() => /finishing active jobs/.test(workerProc.output()), { what: 'the worker to start stopping' });
    proxy.release();
    assert.equal(await exited(workerProc), 0, workerProc.output());
    const stored = await env.db.query('SELECT status FROM comments WHERE id = $1', [id]);
    assert.deepEqual(stored.rows, [{ status: 'approved' }]);
    const job = await env.queue.getJob(commentJobId(id));
    assert.equal(await job?.getState(), 'completed');
    await proxy.close();
  });

  it('when the configuration is invalid, then the process exits 1 naming the key', async () => {
    const proc = startService('services/api/src/main.ts', { ...env.childEnv, PORT: 'eighty' });
    children.push(proc);
    assert.equal(await exited(proc), 1);
    assert.match(proc.output(), /PORT/);
  });
});
