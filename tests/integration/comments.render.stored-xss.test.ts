import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import fc from 'fast-check';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, signSso, uniq, type BuiltSite } from '../support/builders.js';
import {
  getStatus,
  postComment,
  waitForDecision,
  waitForVisible,
  type ThreadCommentView,
} from '../support/comment-flow.js';
import { auditHtml, tagsOf } from '../support/html-audit.js';
import { renderBody } from '#api/comments/render.js';
import { buildStaff } from '../support/staff.js';
import { waitFor } from '../support/wait-for.js';
import { hostileString } from '../support/hostile.js';

/**
 * Comment bodies are stored as the reader typed them and rendered on the way out; whatever a
 * reader types, the bodyHtml a publisher's page inserts must not run script.
 */

const PAYLOADS = {
  scriptTag: '<script>alert(1)</script>',
  markdownJsLink: '[x](javascript:alert(1))',
  markdownJsLinkMixedCase: '[x](JaVaScRiPt:alert(1))',
  markdownJsLinkEntity: '[x](&#106;avascript:alert(1))',
  markdownJsLinkAngle: '[x](<javascript:alert(1)>)',
  markdownVbLink: '[x](vbscript:msgbox(1))',
  htmlJsLink: '<a href="javascript:alert(1)">x</a>',
  imgOnerror: '<img src=x onerror=alert(1)>',
  markdownImage: '![x](https://example.com/x.png)',
  quoteBreak: '" onmouseover="alert(1)',
  singleQuoteSvg: "'><svg onload=alert(1)>",
  dataLink: '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  dataText: 'data:text/html,<script>alert(1)</script>',
  hrefBreakout: '[ok](https://example.com/" onmouseover="alert(1))',
  titleBreakout: '[ok](https://example.com "t\\" onclick=\\"alert(1)")',
  codeSpan: '`<script>alert(1)</script>`',
  emphasisHtml: '**<b onclick=alert(1)>bold</b>**',
  iframe: '<iframe src="javascript:alert(1)"></iframe>',
  plainLink: 'read http://example.com/story?a=1&b=2 first',
  markdownHttpsLink: 'see [the report](https://example.com/report)',
} as const;
type PayloadName = keyof typeof PAYLOADS;

const anchors = (html: string) => tagsOf(html).filter((t) => t.name === 'a' && !t.closing);

/** What every rendering of a hostile body must satisfy, wherever it is shown. */
function assertInert(name: string, html: string): void {
  assert.deepEqual(auditHtml(html), [], `${name}: unsafe bodyHtml ${JSON.stringify(html)}`);
}

/** Checks a payload's specific rendering beyond the general audit. */
function assertRendering(name: PayloadName, html: string): void {
  switch (name) {
    case 'scriptTag':
      assert.equal(html, '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
      break;
    case 'imgOnerror':
      assert.equal(html, '<p>&lt;img src=x onerror=alert(1)&gt;</p>');
      break;
    case 'singleQuoteSvg':
      assert.ok(html.includes('&lt;svg onload=alert(1)&gt;'), html);
      break;
    case 'htmlJsLink':
      assert.ok(html.includes('&lt;a href=&quot;javascript:alert(1)&quot;&gt;'), html);
      break;
    case 'quoteBreak':
      assert.equal(html, '<p>&quot; onmouseover=&quot;alert(1)</p>');
      break;
    case 'markdownJsLink':
    case 'markdownJsLinkMixedCase':
    case 'markdownJsLinkEntity':
    case 'markdownJsLinkAngle':
    case 'markdownVbLink':
    case 'dataLink':
    case 'dataText':
    case 'iframe':
    case 'markdownImage':
    case 'emphasisHtml':
    case 'codeSpan':
      if (name !== 'markdownImage') assert.deepEqual(anchors(html), [], `${name} must not become a link: ${html}`);
      break;
    case 'hrefBreakout': {
      const links = anchors(html);
      assert.ok(
        links.every((a) => !Object.keys(a.attrs).some((k) => k.startsWith('on'))),
        html,
      );
      break;
    }
    case 'titleBreakout':
      assert.deepEqual(
        anchors(html).map((a) => Object.keys(a.attrs).sort()),
        [['href', 'rel', 'target', 'title']],
        html,
      );
      break;
    case 'plainLink': {
      const [a, ...rest] = anchors(html);
      assert.equal(rest.length, 0, html);
      assert.equal(a?.attrs.href, 'http://example.com/story?a=1&b=2');
      assert.equal(a?.attrs.rel, 'nofollow ugc noopener');
      assert.equal(a?.attrs.target, '_blank');
      break;
    }
    case 'markdownHttpsLink': {
      const [a, ...rest] = anchors(html);
      assert.equal(rest.length, 0, html);
      assert.equal(a?.attrs.href, 'https://example.com/report');
      assert.equal(a?.attrs.rel, 'nofollow ugc noopener');
      break;
    }
  }
}

describe('stored XSS, through the API and the worker', () => {
  let env: TestEnv;
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let site: BuiltSite;
  let token: string;
  let postId: string;
  const ids = new Map<PayloadName, string>();
  const queuedHtml = new Map<PayloadName, string>();
  let shown = new Map<string, ThreadCommentView>();

  before(async () => {
    // 20 comments from one reader exceed the per-user limit; limits are not what this file tests.
    env = await createTestEnv({ RATE_LIMITS: 'off' });
    api = await startTestApi(env);
    site = await buildSite(env.db);
    // A new reader's links are held for review by default, and payloads that differ only in case
    // are repeats; here every payload must reach the thread.
    await env.db.query(
      `UPDATE sites SET settings = '{"links":{"holdBelowApproved":0},"repeat":{"windowSeconds":0}}' WHERE id = $1`,
      [site.siteId],
    );
    token = (await signInReader(api.app, site)).accessToken;
    postId = await buildPost(env.db, site.siteId);
    // Everything is posted before the worker starts, so GET /comments/:id renders from the queued job too.
    for (const [name, body] of Object.entries(PAYLOADS) as [PayloadName, string][]) {
      const id = await postComment(api.app, { siteId: site.siteId, postId, token, body });
      ids.set(name, id);
      const s = await getStatus(api.app, id, token);
      assert.equal(s.status, 'queued');
      queuedHtml.set(name, s.bodyHtml);
    }
    worker = await startTestWorker(env);
    for (const [name, id] of ids) {
      const d = await waitForDecision(api.app, id, token);
      assert.equal(d.status, 'approved', `${name} was ${d.status}: ${JSON.stringify(d.reason)}`);
    }
    const thread = await waitForVisible(api.app, site.siteId, postId, [...ids.values()]);
    shown = new Map(thread.comments.map((c) => [c.id, c]));
  });

  after(async () => {
    await worker?.close();
    await api?.close();
    await env?.close();
  });

  for (const name of Object.keys(PAYLOADS) as PayloadName[]) {
    it(`when a reader posts ${name} (${JSON.stringify(PAYLOADS[name])}), then the thread's bodyHtml carries no executable markup`, () => {
      const c = shown.get(ids.get(name)!);
      assert.ok(c, `${name} is in the thread`);
      assert.equal(c.body, PAYLOADS[name], 'body is stored and returned as typed (it is text, not HTML)');
      assertInert(name, c.bodyHtml);
      assertRendering(name, c.bodyHtml);
    });
  }

  it('when the author reads a hostile comment through GET /comments/:id, queued or decided, then its bodyHtml is as inert as in the thread', async () => {
    for (const [name, id] of ids) {
      const s = await getStatus(api.app, id, token);
      assert.equal(s.status, 'approved');
      assertInert(name, s.bodyHtml);
      assertInert(`${name} (queued)`, queuedHtml.get(name)!);
      assert.equal(s.bodyHtml, shown.get(id)!.bodyHtml);
      assert.equal(queuedHtml.get(name), s.bodyHtml);
    }
  });

  it('when a thread holding hostile comments is served, then it is JSON that browsers will not sniff as HTML', async () => {
    const res = await request(api.app).get(`/api/v1/sites/${site.siteId}/posts/${postId}/comments`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });
});

describe('renderBody, directly', () => {
  const extra = [
    '[x](java\tscript:alert(1))',
    '[x](%6Aavascript:alert(1))',
    '[x]( javascript:alert(1))',
    '<javascript:alert(1)>',
    'javascript:alert(1)',
    '[x](file:///etc/passwd)',
    '[a](https://ok.example)<img src=x onerror=alert(1)>',
    '<<script>script>alert(1)<</script>/script>',
    '<scr<script>ipt>alert(1)</script>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '&#60;script&#62;alert(1)&#60;/script&#62;',
    '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
    '<details open ontoggle=alert(1)>',
    '[x](https://example.com/?q=<script>)',
    'http://example.com/"><script>alert(1)</script>',
    '*<i onmouseover="alert(1)">x</i>*',
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    '\u202E<script>alert(1)</script>',
    'line one\n<script>alert(2)</script>\nline three',
  ];

  for (const body of [...Object.values(PAYLOADS), ...extra]) {
    it(`when ${JSON.stringify(body)} is rendered, then the HTML passes the audit`, () => {
      assertInert(body, renderBody(body));
    });
  }

  it('when a Markdown link has an empty destination, then it renders as its text, not as a link to href=""', () => {
    for (const body of ['[x]()', '[x]( )', 'see [x]() and [y](https://example.com)']) {
      const html = renderBody(body);
      assertInert(body, html);
      assert.ok(
        anchors(html).every((a) => a.attrs.href?.startsWith('https://')),
        html,
      );
    }
    assert.equal(renderBody('[x]()'), '<p>x</p>');
  });

  it('when a body has a bare < or >, then they are escaped as entities', () => {
    assert.equal(renderBody('1 < 2 > 0'), '<p>1 &lt; 2 &gt; 0</p>');
    assert.equal(renderBody('<b>hi</b>'), '<p>&lt;b&gt;hi&lt;/b&gt;</p>');
  });

  it('when a body has an https or mailto link, then it is a link with rel="nofollow ugc noopener"', () => {
    for (const body of ['https://example.com/a', '[mail me](mailto:a@example.com)']) {
      const [a] = anchors(renderBody(body));
      assert.ok(a, `${body} renders a link`);
      assert.equal(a.attrs.rel, 'nofollow ugc noopener');
      assert.equal(a.attrs.target, '_blank');
    }
  });

  it('when the audit sees executable markup, then it reports it (the checker itself can fail)', () => {
    assert.notDeepEqual(auditHtml('<p><script>alert(1)</script></p>'), []);
    assert.notDeepEqual(auditHtml('<p><a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a></p>'), []);
    assert.notDeepEqual(
      auditHtml('<p><a href="https://e.com" rel="nofollow ugc noopener" onclick="x()">x</a></p>'),
      [],
    );
    assert.notDeepEqual(auditHtml('<p><a href="https://e.com">x</a></p>'), []);
    assert.notDeepEqual(auditHtml('<p><img src=x onerror=alert(1)></p>'), []);
    assert.notDeepEqual(auditHtml('<p><a href=" java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a></p>'), []);
    assert.deepEqual(
      auditHtml('<p>&lt;script&gt; <a href="https://e.com" rel="nofollow ugc noopener" target="_blank">e</a></p>'),
      [],
    );
  });
});

/**
 * Generated hostile text (markup fragments, script URLs, entities, Markdown edge cases and
 * Unicode oddities) as comment bodies, display names, post titles and report notes, through the
 * real worker; then every surface that shows them is read and each rendered HTML field audited.
 */
describe('generated hostile text through the worker, on every surface that shows it', () => {
  const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261125;
  const FRAGMENTS = [
    '<script>',
    '</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="',
    '">',
    'javascript:',
    'JaVaScRiPt:',
    'java\tscript:',
    '&#106;avascript:',
    '&#x6A;',
    '&lt;',
    '&',
    '[x](',
    ')',
    '](',
    '![i](',
    '<',
    '>',
    '"',
    "'",
    '`',
    '``',
    'onmouseover=alert(1) ',
    'data:text/html,',
    '<svg/onload=alert(1)>',
    '<iframe srcdoc="',
    '<!--',
    '-->',
    '<![CDATA[',
    '<style>@import',
    'vbscript:',
    '\\',
    '%3Cscript%3E',
    'https://example.com/',
    'http://a.example/"onclick="x',
    'mailto:a@b.example',
    '**',
    '_',
    '\n',
    '\n\n',
    '    indented',
    '> quote',
    '# head',
    '* item',
    '1. item',
    '|a|b|',
    '<https://example.com>',
    '<javascript:alert(1)>',
    '[ref]: javascript:alert(1)',
    '\u202e',
    '\u200b',
    '\u0301',
    '\ud800',
    '\u2028',
    ' ',
    'text',
  ];
  const markup = fc
    .array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: hostileString }), {
      minLength: 1,
      maxLength: 14,
    })
    .map((parts) => parts.join(''));
  let env: TestEnv;
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let site: BuiltSite;
  const counts = { comments: 0, refused: 0, names: 0, titles: 0, audited: 0, surfaces: 0 };

  before(async () => {
    env = await createTestEnv({ RATE_LIMITS: 'off' });
    api = await startTestApi(env);
    worker = await startTestWorker(env);
    site = await buildSite(env.db);
    await env.db.query(
      `UPDATE sites SET settings = '{"links":{"holdBelowApproved":0},"repeat":{"windowSeconds":0}}' WHERE id = $1`,
      [site.siteId],
    );
  });
  after(async () => {
    process.stdout.write(
      `# hostile markup (seed ${SEED}): ${counts.comments} comments (${counts.refused} refused), ${counts.names} names, ${counts.titles} titles through the worker; ${counts.audited} rendered fields audited on ${counts.surfaces} responses\n`,
    );
    await worker?.close();
    await api?.close();
    await env?.close();
  });

  /** Audits every field holding HTML (`bodyHtml`, any `…Html`) anywhere in a JSON answer; returns how many. */
  function auditAll(what: string, value: unknown): number {
    let n = 0;
    const walk = (v: unknown, path: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (/html$/i.test(k) && typeof x === 'string') {
            n++;
            assert.deepEqual(auditHtml(x), [], `${what} ${path}.${k}: unsafe HTML ${JSON.stringify(x).slice(0, 300)}`);
          } else walk(x, `${path}.${k}`);
        }
      }
    };
    walk(value, '');
    counts.audited += n;
    counts.surfaces++;
    return n;
  }

  /** GETs a JSON surface, page by page (nextCursor), checking each is JSON browsers will not sniff. */
  async function readAll(path: string, token: string, what: string): Promise<unknown[]> {
    const pages: unknown[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(api.app)
        .get(path)
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 200, `${what} → ${res.status} ${res.text.slice(0, 200)}`);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      pages.push(res.body);
      auditAll(what, res.body);
      cursor = (res.body as { nextCursor?: string | null }).nextCursor ?? null;
    } while (cursor);
    return pages;
  }

  it('when readers with hostile names post hostile comments under hostile titles, then no rendered field anywhere carries executable markup', async () => {
    const titles = fc.sample(
      markup.map((t) => `${t} title`),
      { seed: SEED, numRuns: 4 },
    );
    const posts: string[] = [];
    for (const title of titles) {
      const id = uniq('post');
      const res = await request(api.app)
        .put(`/api/v1/sites/${site.siteId}/posts/${id}`)
        .set('Authorization', `Bearer ${site.apiKey}`)
        .send({ title, url: `https://example.com/${id}` });
      assert.ok(
        res.status === 201 || res.status === 400,
        `PUT post ${JSON.stringify(title)} → ${res.status} ${res.text.slice(0, 200)}`,
      );
      if (res.status === 201) {
        posts.push(id);
        counts.titles++;
      }
    }
    assert.ok(posts.length >= 2, 'enough titles were accepted');
    const names = fc.sample(
      markup.map((n) => `${n} Ann`),
      { seed: SEED + 1, numRuns: 8 },
    );
    const readers: { token: string; id: string }[] = [];
    for (const name of names) {
      const token = await signSso(site.ssoSecret, { name });
      const res = await request(api.app).post('/api/v1/auth/sso').send({ siteId: site.siteId, token });
      // A name the claims schema refuses (over 1,000 characters, nothing visible) makes the token invalid (401); a token over 8 KiB is a 400.
      assert.ok(
        [200, 400, 401].includes(res.status),
        `SSO with name ${JSON.stringify(name)} → ${res.status} ${res.text.slice(0, 200)}`,
      );
      if (res.status === 200) {
        readers.push({ token: res.body.accessToken, id: res.body.user.id });
        counts.names++;
      }
    }
    assert.ok(readers.length >= 4, 'enough names were accepted');
    const bodies = fc.sample(markup, { seed: SEED + 2, numRuns: 90 });
    const ids: { id: string; token: string }[] = [];
    for (const [i, body] of bodies.entries()) {
      const reader = readers[i % readers.length]!;
      const parent = i % 5 === 4 && ids.length > 0 ? ids[ids.length - 1]!.id : undefined;
      let res = await request(api.app)
        .post(`/api/v1/sites/${site.siteId}/posts/${posts[i % posts.length]}/comments`)
        .set('Authorization', `Bearer ${reader.token}`)
        .send(parent ? { body, parentId: parent } : { body });
      // A reply to a comment not (yet) approved, or in another post, is refused: post it at the top level.
      if (res.status === 422 && parent) {
        res = await request(api.app)
          .post(`/api/v1/sites/${site.siteId}/posts/${posts[i % posts.length]}/comments`)
          .set('Authorization', `Bearer ${reader.token}`)
          .send({ body });
      }
      assert.ok(
        res.status === 202 || res.status === 400,
        `POST ${JSON.stringify(body)} → ${res.status} ${res.text.slice(0, 200)}`,
      );
      if (res.status === 202) {
        ids.push({ id: res.body.id, token: reader.token });
        counts.comments++;
      } else counts.refused++;
      // The queued view renders too.
      if (res.status === 202 && i % 10 === 0)
        auditAll(
          'queued status',
          (await request(api.app).get(`/api/v1/comments/${res.body.id}`).set('Authorization', `Bearer ${reader.token}`))
            .body,
        );
    }
    assert.ok(ids.length >= 60, `only ${ids.length} of ${bodies.length} comments were accepted`);
    await waitFor(
      async () =>
        (await env.db.query('SELECT count(*)::int AS n FROM comments WHERE id = ANY($1)', [ids.map((x) => x.id)]))
          .rows[0].n === ids.length,
      { what: 'the worker to decide every comment', timeoutMs: 60_000 },
    );

    // A report with a hostile note on a few visible comments, so the reported queue has items.
    const visible = (
      await env.db.query(`SELECT id, author_id FROM comments WHERE id = ANY($1) AND status = 'approved' LIMIT 3`, [
        ids.map((x) => x.id),
      ])
    ).rows as { id: string; author_id: string }[];
    for (const [j, c] of visible.entries()) {
      const reporter = readers.find((r) => r.id !== c.author_id)!;
      const res = await request(api.app)
        .post(`/api/v1/comments/${c.id}/reports`)
        .set('Authorization', `Bearer ${reporter.token}`)
        .send({ reason: 'other', note: bodies[j]!.slice(0, 500) });
      assert.ok(res.status === 201 || res.status === 400, `report → ${res.status} ${res.text.slice(0, 200)}`);
    }

    const admin = await buildStaff(env.db, api.app, site.siteId, 'admin');
    const statuses = (
      await env.db.query(`SELECT status, count(*)::int AS n FROM comments WHERE site_id = $1 GROUP BY status`, [
        site.siteId,
      ])
    ).rows;
    const before = counts.audited;
    for (const post of posts) {
      const pages = await readAll(
        `/api/v1/sites/${site.siteId}/posts/${post}/comments`,
        readers[0]!.token,
        `thread ${post}`,
      );
      for (const page of pages as { comments: { id: string; replyCount: number }[] }[]) {
        for (const c of page.comments.filter((x) => x.replyCount > 0))
          await readAll(
            `/api/v1/sites/${site.siteId}/posts/${post}/comments/${c.id}/replies`,
            readers[0]!.token,
            'replies',
          );
      }
    }
    for (const { id, token } of ids)
      auditAll(
        `status of ${id}`,
        (await request(api.app).get(`/api/v1/comments/${id}`).set('Authorization', `Bearer ${token}`)).body,
      );
    for (const queue of ['pending', 'reported', 'rejected', 'approved'])
      await readAll(`/api/v1/sites/${site.siteId}/moderation/queues/${queue}`, admin.accessToken, `queue ${queue}`);
    await readAll(`/api/v1/sites/${site.siteId}/comments`, site.apiKey, 'publisher listing');
    await readAll(`/api/v1/sites/${site.siteId}/audit`, admin.accessToken, 'audit log');
    for (const r of readers.slice(0, 3)) {
      await readAll(`/api/v1/sites/${site.siteId}/users/${r.id}/history`, admin.accessToken, 'history');
      await readAll('/api/v1/me/export', r.token, 'reader export');
    }
    const exported = await request(api.app)
      .get(`/api/v1/sites/${site.siteId}/export`)
      .set('Authorization', `Bearer ${site.apiKey}`)
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => cb(null, text));
      });
    assert.equal(exported.status, 200);
    assert.match(exported.headers['content-type'] ?? '', /^application\/x-ndjson/);
    assert.equal(exported.headers['x-content-type-options'], 'nosniff');
    const lines = (exported.body as string)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown);
    assert.ok(lines.length >= ids.length, `the export has ${lines.length} lines`);
    for (const line of lines) auditAll('export', line);
    // Every approved comment was rendered on at least the thread, its status and a queue or listing.
    const approved = statuses.find((s: { status: string }) => s.status === 'approved')?.n ?? 0;
    assert.ok(approved >= 20, `only ${approved} comments were approved: ${JSON.stringify(statuses)}`);
    assert.ok(
      counts.audited - before >= ids.length + approved,
      `only ${counts.audited - before} rendered fields audited`,
    );
  });
});
