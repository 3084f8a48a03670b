import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { getStatus, postComment, waitForDecision, waitForVisible, type ThreadCommentView } from '../support/comment-flow.js';
import { auditHtml, tagsOf } from '../support/html-audit.js';
import { renderBody } from '../../shared/src/render.js';

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
  singleQuoteSvg: '\'><svg onload=alert(1)>',
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
    case 'markdownJsLink': case 'markdownJsLinkMixedCase': case 'markdownJsLinkEntity': case 'markdownJsLinkAngle':
    case 'markdownVbLink': case 'dataLink': case 'dataText': case 'iframe': case 'markdownImage': case 'emphasisHtml': case 'codeSpan':
      if (name !== 'markdownImage') assert.deepEqual(anchors(html), [], `${name} must not become a link: ${html}`);
      break;
    case 'hrefBreakout': {
      const links = anchors(html);
      assert.ok(links.every((a) => !Object.keys(a.attrs).some((k) => k.startsWith('on'))), html);
      break;
    }
    case 'titleBreakout':
      assert.deepEqual(anchors(html).map((a) => Object.keys(a.attrs).sort()), [['href', 'rel', 'target', 'title']], html);
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
    await env.db.query(`UPDATE sites SET settings = '{"links":{"holdBelowApproved":0},"repeat":{"windowSeconds":0}}' WHERE id = $1`, [site.siteId]);
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
    assert.notDeepEqual(auditHtml('<p><a href="https://e.com" rel="nofollow ugc noopener" onclick="x()">x</a></p>'), []);
    assert.notDeepEqual(auditHtml('<p><a href="https://e.com">x</a></p>'), []);
    assert.notDeepEqual(auditHtml('<p><img src=x onerror=alert(1)></p>'), []);
    assert.notDeepEqual(auditHtml('<p><a href=" java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a></p>'), []);
    assert.deepEqual(auditHtml('<p>&lt;script&gt; <a href="https://e.com" rel="nofollow ugc noopener" target="_blank">e</a></p>'), []);
  });
});
