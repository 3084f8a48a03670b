import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, type BuiltSite } from '../support/builders.js';
import { runAdmin } from '../support/processes.js';
import { generateDisqusExport, type GeneratedExport } from '../support/disqus-export.js';
import { eraseReader } from '#shared/db/data-rights.js';

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let dir: string;
let gen: GeneratedExport;
let file: string;

before(async () => {
  env = await createTestEnv({ LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  dir = await mkdtemp(path.join(tmpdir(), 'disqus-'));
  gen = generateDisqusExport({ threads: 40, posts: 3000 });
  file = path.join(dir, 'export.xml');
  await writeFile(file, gen.xml);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
  await api.close();
  await env.close();
});

const importFile = (f: string, siteId = site.siteId) =>
  runAdmin(env.childEnv, ['import:disqus', '--site', siteId, '--file', f]);

/** Counters recomputed from the rows; an import must leave them equal to the stored ones. */
async function counterDrift(siteId: string) {
  const res = await env.db.query(
    `SELECT
       (SELECT count(*)::int FROM posts p WHERE p.site_id = $1 AND p.comment_count <>
          (SELECT count(*) FROM comments c WHERE c.site_id = $1 AND c.post_id = p.id AND c.status = 'approved')) AS posts,
       (SELECT count(*)::int FROM comments p WHERE p.site_id = $1 AND p.reply_count <>
          (SELECT count(*) FROM comments c WHERE c.thread_parent_id = p.id AND c.status = 'approved')) AS replies,
       (SELECT count(*)::int FROM users u WHERE u.site_id = $1 AND (u.approved_count, u.rejected_count) <>
          (SELECT count(*) FILTER (WHERE status = 'approved'), count(*) FILTER (WHERE status = 'rejected') FROM comments c WHERE c.author_id = u.id)) AS users`,
    [siteId],
  );
  return res.rows[0];
}

describe('importing from Disqus', () => {
  it('when Redis cannot be reached, then the import still completes, says the threads were not announced, and exits', async () => {
    const other = await buildSite(env.db);
    const small = generateDisqusExport({ threads: 2, posts: 10 });
    const smallFile = path.join(dir, 'small.xml');
    await writeFile(smallFile, small.xml);
    const run = await Promise.race([
      runAdmin({ ...env.childEnv, REDIS_URL: 'redis://127.0.0.1:1' }, [
        'import:disqus',
        '--site',
        other.siteId,
        '--file',
        smallFile,
      ]),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the CLI did not exit')), 60_000).unref()),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /could not announce the changed threads/);
    assert.equal(JSON.parse(run.stdout).commentsImported, small.expected.size);
  });

  it('when a generated export is imported, then threads, readers, comments, threading, timestamps, flags and counters come through', async () => {
    const run = await importFile(file);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.threads, gen.threads);
    assert.equal(report.comments, gen.comments);
    assert.equal(report.commentsImported, gen.expected.size);
    assert.equal(report.skipped, gen.skipped);
    assert.equal(report.brokenParents, gen.brokenParents);
    assert.equal(report.approved, gen.approved);
    assert.equal(report.rejected, gen.rejected);
    assert.equal(report.postsCreated, gen.threads);
    assert.ok(
      gen.expected.size > 2900 && gen.brokenParents > 50 && gen.rejected > 300,
      'the export exercises every case',
    );

    const rows = (
      await env.db.query(
        `SELECT c.import_key, c.post_id, c.status, c.body, c.created_at, c.reasons, p.import_key AS parent_key, c.depth, u.import_source, u.external_id
         FROM comments c LEFT JOIN comments p ON p.id = c.parent_id JOIN users u ON u.id = c.author_id WHERE c.site_id = $1`,
        [site.siteId],
      )
    ).rows;
    assert.equal(rows.length, gen.expected.size);
    for (const r of rows) {
      const want = gen.expected.get(r.import_key)!;
      assert.ok(want, r.import_key);
      assert.equal(r.post_id, want.postId, r.import_key);
      assert.equal(r.parent_key, want.parentDsq, `parent of ${r.import_key}`);
      assert.equal(r.status, want.status, r.import_key);
      assert.equal(r.created_at.toISOString(), want.createdAt, r.import_key);
      assert.equal(r.body, want.text, `text of ${r.import_key}`);
      assert.equal(r.reasons[0].rule, 'imported');
      assert.equal(r.import_source, 'disqus');
      assert.equal(r.external_id, null, 'imported readers cannot sign in');
    }
    assert.deepEqual(await counterDrift(site.siteId), { posts: 0, replies: 0, users: 0 });
    const depths = (
      await env.db.query(
        `SELECT c.depth, t.import_key AS thread_parent FROM comments c LEFT JOIN comments t ON t.id = c.thread_parent_id
        WHERE c.site_id = $1 AND c.import_key = ANY($2) ORDER BY c.import_key`,
        [site.siteId, gen.deepChain],
      )
    ).rows;
    const chain = gen.deepChain;
    assert.deepEqual(depths, [
      { depth: 0, thread_parent: null },
      { depth: 1, thread_parent: chain[0] },
      { depth: 2, thread_parent: chain[1] },
      { depth: 3, thread_parent: chain[2] },
      { depth: 3, thread_parent: chain[2] },
      { depth: 3, thread_parent: chain[2] },
    ]);
    // Guests with the same email in another case are one reader.
    const readers = (
      await env.db.query(`SELECT count(*)::int AS n FROM users WHERE site_id = $1 AND import_source = 'disqus'`, [
        site.siteId,
      ])
    ).rows[0].n;
    assert.equal(report.readersCreated, readers);

    // The imported thread reads like any other, with reader HTML inert.
    const thread = await request(api.app).get(
      `/api/v1/sites/${site.siteId}/posts/article-0/comments?limit=100&sort=oldest`,
    );
    assert.equal(thread.status, 200);
    assert.ok(thread.body.total > 0);
    assert.doesNotMatch(JSON.stringify(thread.body), /<script|javascript:/);
    const closed = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/article-2`);
    assert.equal(closed.body.post.closed, true);
  });

  it('when the same export is imported again, then nothing new is imported and counters stay true', async () => {
    const before = (await env.db.query(`SELECT count(*)::int AS n FROM comments WHERE site_id = $1`, [site.siteId]))
      .rows[0].n;
    const run = await importFile(file);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.commentsImported, 0);
    assert.equal(report.postsCreated, 0);
    assert.equal(report.readersCreated, 0);
    assert.equal(report.alreadyImported, gen.expected.size);
    assert.equal(
      (await env.db.query(`SELECT count(*)::int AS n FROM comments WHERE site_id = $1`, [site.siteId])).rows[0].n,
      before,
    );
    assert.deepEqual(await counterDrift(site.siteId), { posts: 0, replies: 0, users: 0 });
  });

  it('when a reader erased their account, then importing the export again brings back neither them nor anything new of theirs', async () => {
    const own = await buildSite(env.db);
    const xml = (posts: { id: string; author: string; text: string }[]) =>
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">',
        '  <thread dsq:id="900"><id>erasure-article</id><forum>demo</forum><link>https://news.example/erasure</link>',
        '    <title>Erasure</title><message/><createdAt>2024-01-01T10:00:00Z</createdAt><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>',
        ...posts.map(
          (p, i) => `  <post dsq:id="${p.id}"><id/><message><![CDATA[<p>${p.text}</p>]]></message>
    <createdAt>2024-01-01T1${i}:30:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><email>${p.author}@example.com</email><name>${p.author} Example</name><isAnonymous>false</isAnonymous><username>${p.author}</username></author>
    <thread dsq:id="900"/></post>`,
        ),
        '</disqus>',
        '',
      ].join('\n');
    const first = path.join(dir, 'erasure-1.xml');
    await writeFile(first, xml([{ id: '901', author: 'erin', text: 'Erin wrote this once.' }]));
    assert.equal((await importFile(first, own.siteId)).code, 0);
    const erin = (
      await env.db.query<{ id: string }>(`SELECT id FROM users WHERE site_id = $1 AND email = 'erin@example.com'`, [
        own.siteId,
      ])
    ).rows[0]!.id;
    assert.ok(await eraseReader(env.db, { siteId: own.siteId, userId: erin, mode: 'remove', requestedBy: null }));

    const again = path.join(dir, 'erasure-2.xml');
    await writeFile(
      again,
      xml([
        { id: '901', author: 'erin', text: 'Erin wrote this once.' },
        { id: '902', author: 'erin', text: 'Erin wrote this later.' },
        { id: '903', author: 'bo', text: 'Bo wrote this.' },
      ]),
    );
    const run = await importFile(again, own.siteId);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.readersCreated, 1, 'Bo only');
    assert.equal(report.commentsImported, 1, "Bo's only");
    const people = await env.db.query(
      `SELECT display_name, email FROM users WHERE site_id = $1 AND (display_name LIKE 'Erin%' OR email LIKE 'erin%')`,
      [own.siteId],
    );
    assert.deepEqual(people.rows, []);
    const texts = await env.db.query(`SELECT body FROM comments WHERE site_id = $1 AND body LIKE '%Erin%'`, [
      own.siteId,
    ]);
    assert.deepEqual(texts.rows, []);
    assert.deepEqual(await counterDrift(own.siteId), { posts: 0, replies: 0, users: 0 });
  });

  it('when the XML is malformed midway, then the command stops with the line number and imports nothing', async () => {
    const fresh = await buildSite(env.db);
    const lines = gen.xml.split('\n');
    const at = Math.floor(lines.length / 2);
    lines.splice(at - 1, 0, '  <post dsq:id="broken"><message>unclosed</thread>');
    const bad = path.join(dir, 'bad.xml');
    await writeFile(bad, lines.join('\n'));
    const run = await importFile(bad, fresh.siteId);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`malformed XML at line ${at}\\b`));
    assert.match(run.stderr, /nothing was imported/);
    const counts = (
      await env.db.query(
        `SELECT (SELECT count(*)::int FROM comments WHERE site_id = $1) AS comments, (SELECT count(*)::int FROM posts WHERE site_id = $1) AS posts,
              (SELECT count(*)::int FROM users WHERE site_id = $1) AS users`,
        [fresh.siteId],
      )
    ).rows[0];
    assert.deepEqual(counts, { comments: 0, posts: 0, users: 0 });
  });

  it('when the site or file does not exist, then the command says so and exits 1', async () => {
    const noSite = await importFile(file, 'no-such-site');
    assert.equal(noSite.code, 1);
    assert.match(noSite.stderr, /no site no-such-site/);
    const noFile = await importFile(path.join(dir, 'missing.xml'));
    assert.equal(noFile.code, 1);
    assert.match(noFile.stderr, /cannot read/);
  });
});
