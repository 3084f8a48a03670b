/** A generated Disqus XML export and what importing it must produce, computed independently of the importer. */
export interface GeneratedExport {
  xml: string;
  threads: number;
  comments: number;
  /** Posts that cannot be imported: empty text, or in a parent cycle. */
  skipped: number;
  brokenParents: number;
  approved: number;
  rejected: number;
  /** dsq id → how it must be stored. */
  expected: Map<
    string,
    { postId: string; parentDsq: string | null; status: 'approved' | 'rejected'; createdAt: string; text?: string }
  >;
  /** The ids of a chain of replies six deep, top first. */
  deepChain: string[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** Message templates with odd characters, each with the text the import must store. */
const MESSAGES: [html: string, text: string][] = [
  ['<p>Good point 👍🏽 about the budget</p>', 'Good point 👍🏽 about the budget'],
  ['<p>مرحبا بالعالم — שלום</p>', 'مرحبا بالعالم — שלום'],
  ['<p>Cafe\u0301 and na\u00efve</p>', 'Café and naïve'],
  ['<p>&lt;b&gt;not bold&lt;/b&gt; &amp; co &#x1F600; &#233;</p>', '<b>not bold</b> & co 😀 é'],
  ['<script>alert(1)</script><p>hello</p>', 'alert(1)hello'],
  [
    '<p>see <a href="https://news.example/a?b=1&amp;c=2" rel="nofollow">the piece</a></p>',
    'see [the piece](https://news.example/a?b=1&c=2)',
  ],
  ['<p><a href="javascript:alert(1)">click</a> me</p>', 'click me'],
  ['<p>odd ]]> sequence</p>', 'odd ]]> sequence'],
  ['<p>"quoted" and \'single\'</p>', '"quoted" and \'single\''],
  ['<p>first</p><p>second<br>third</p>', 'first\n\nsecond\nthird'],
  ['<p>zero\u200dwidth\u202Ereversed</p>', 'zero\u200dwidthreversed'],
];

/** A deterministic export: `threads` threads and about `posts` comments with replies, flags and broken links. */
export function generateDisqusExport(o: { threads: number; posts: number; seed?: number }): GeneratedExport {
  let seed = o.seed ?? 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const base = Date.UTC(2019, 0, 1);
  const threads = Array.from({ length: o.threads }, (_, i) => ({
    dsq: `${1000 + i}`,
    identifier: i % 10 === 3 ? `has spaces ${i}` : i % 10 === 7 ? '' : `article-${i}`,
    title: i % 5 === 0 ? `Budget & "taxes" <${i}> — ünïcödé` : `Article ${i}`,
  }));
  const postIdOf = (t: (typeof threads)[number]) =>
    /^[A-Za-z0-9._~-]{1,200}$/.test(t.identifier) ? t.identifier : `disqus-${t.dsq}`;
  const authors = Array.from({ length: 150 }, (_, i) =>
    i % 3 === 0
      ? { name: `Reader ${i}`, username: `reader${i}`, email: `r${i}@example.com`, anonymous: false }
      : i % 3 === 1
        ? {
            name: `Guest "${i}" <b>`,
            username: '',
            email: i % 2 ? `Guest${i}@Example.com` : `guest${i}@example.com`,
            anonymous: true,
          }
        : { name: i % 2 ? 'Zoë Ünnamed' : '   ', username: '', email: '', anonymous: true },
  );

  type P = {
    dsq: string;
    thread: number;
    parent: string | null;
    html: string;
    text: string;
    createdAt: string;
    deleted: boolean;
    spam: boolean;
    author: number;
  };
  const posts: P[] = [];
  const byThread = new Map<number, P[]>();
  for (let k = 0; k < o.posts; k++) {
    const thread = Math.floor(rand() * o.threads);
    const siblings = byThread.get(thread) ?? [];
    let parent: string | null = null;
    if (k % 97 === 5) parent = `missing-${k}`;
    else if (k % 89 === 7 && posts.length > 0) parent = posts.find((p) => p.thread !== thread)?.dsq ?? null;
    else if (k % 101 === 9) parent = `${5000 + k}`;
    else if (siblings.length > 0 && rand() < 0.5) parent = siblings[Math.floor(rand() * siblings.length)]!.dsq;
    const [html, text] =
      k % 211 === 11
        ? ['<p> </p>', '']
        : k === 17
          ? [`<p>${'x'.repeat(6000)}</p>`, 'x'.repeat(5000)]
          : MESSAGES[k % MESSAGES.length]!;
    const p: P = {
      dsq: `${5000 + k}`,
      thread,
      parent,
      html,
      text,
      createdAt: new Date(base + k * 60_000).toISOString().replace('.000', ''),
      deleted: k % 13 === 0,
      spam: k % 17 === 0,
      author: Math.floor(rand() * authors.length),
    };
    posts.push(p);
    byThread.set(thread, [...siblings, p]);
  }
  // A chain six deep in thread 0, and a two-comment cycle.
  const deepChain: string[] = [];
  for (let d = 0; d < 6; d++) {
    const dsq = `9${d}00`;
    posts.push({
      dsq,
      thread: 0,
      parent: d === 0 ? null : deepChain[d - 1]!,
      html: `<p>level ${d}</p>`,
      text: `level ${d}`,
      createdAt: new Date(base + (o.posts + d) * 60_000).toISOString(),
      deleted: false,
      spam: false,
      author: 0,
    });
    deepChain.push(dsq);
  }
  posts.push({
    dsq: '8001',
    thread: 1,
    parent: '8002',
    html: 'a',
    text: 'a',
    createdAt: new Date(base).toISOString(),
    deleted: false,
    spam: false,
    author: 1,
  });
  posts.push({
    dsq: '8002',
    thread: 1,
    parent: '8001',
    html: 'b',
    text: 'b',
    createdAt: new Date(base).toISOString(),
    deleted: false,
    spam: false,
    author: 1,
  });

  const index = new Map(posts.map((p) => [p.dsq, p]));
  const expected: GeneratedExport['expected'] = new Map();
  let brokenParents = 0;
  let approved = 0;
  let rejected = 0;
  for (const p of posts) {
    if (p.text === '' || p.dsq === '8001' || p.dsq === '8002') continue;
    const parent = p.parent ? index.get(p.parent) : undefined;
    const placed = parent && parent !== p && parent.thread === p.thread && parent.text !== '';
    if (p.parent && !placed) brokenParents++;
    const status = p.deleted || p.spam ? 'rejected' : 'approved';
    if (status === 'approved') approved++;
    else rejected++;
    expected.set(p.dsq, {
      postId: postIdOf(threads[p.thread]!),
      parentDsq: placed ? p.parent : null,
      status,
      createdAt: new Date(p.createdAt).toISOString(),
      text: p.text,
    });
  }

  // File order: a few replies come before their parents.
  const order = [...posts];
  for (let i = 1; i < order.length; i += 50) [order[i - 1], order[i]] = [order[i]!, order[i - 1]!];
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    '  <category dsq:id="1"><forum>demo</forum><title>General</title><isDefault>true</isDefault></category>',
    ...threads.map(
      (t, i) => `  <thread dsq:id="${t.dsq}">
    <id>${esc(t.identifier)}</id><forum>demo</forum><category dsq:id="1"/>
    <link>https://news.example/${i}</link><title>${esc(t.title)}</title><message/>
    <createdAt>${new Date(base - 86_400_000 + i * 1000).toISOString()}</createdAt>
    <author><email>editor@example.com</email><name>Editor</name><isAnonymous>false</isAnonymous><username>editor</username></author>
    <isClosed>${i === 2}</isClosed><isDeleted>false</isDeleted>
  </thread>`,
    ),
    ...order.map((p) => {
      const a = authors[p.author]!;
      return `  <post dsq:id="${p.dsq}">
    <id/>
    <message>${cdata(p.html)}</message>
    <createdAt>${p.createdAt}</createdAt>
    <isDeleted>${p.deleted}</isDeleted><isSpam>${p.spam}</isSpam>
    <author><email>${esc(a.email)}</email><name>${esc(a.name)}</name><isAnonymous>${a.anonymous}</isAnonymous><username>${esc(a.username)}</username></author>
    <thread dsq:id="${threads[p.thread]!.dsq}"/>${p.parent ? `\n    <parent dsq:id="${p.parent}"/>` : ''}
  </post>`;
    }),
    '</disqus>',
    '',
  ];
  return {
    xml: lines.join('\n'),
    threads: threads.length,
    comments: posts.length,
    skipped: posts.length - expected.size,
    brokenParents,
    approved,
    rejected,
    expected,
    deepChain,
  };
}
