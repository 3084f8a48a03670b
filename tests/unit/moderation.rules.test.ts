import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { runPipeline } from '#worker/pipeline/index.js';
import { applyEffects } from '#worker/comments/effects.js';
import { LinkifyIt } from 'linkify-it';
import { findLinks, LINKIFY_OPTIONS, MAY_HOLD_LINK } from '#worker/rules/links.js';
import { bands, encodeSig, minhash, similarity, textHash } from '#worker/rules/fingerprint.js';
import {
  closeTestServices,
  moderationContext as ctx,
  testAuthor as author,
  testServices,
} from '../support/moderation.js';

after(closeTestServices);

const decide = async (body: string, o: Parameters<typeof ctx>[1] = {}) => {
  const d = await runPipeline(ctx(body, o));
  return { status: d.status, rules: d.reasons.map((r) => r.rule), reasons: d.reasons };
};
const newId = () => `0190a000-0000-7000-8000-${randomBytes(6).toString('hex')}`;

describe('rule: repeat', () => {
  it('when a reader posts the same text twice within the window (case, spacing and punctuation aside), then the second is rejected as a repeat', async () => {
    const authorId = newId();
    const comment = (body: string) => ({ ...ctx('').comment, commentId: newId(), authorId, body });
    const first = await decide('', { comment: comment('The council should publish the budget.') });
    assert.equal(first.status, 'approved');
    const again = await decide('', { comment: comment('the council  should publish the BUDGET!!') });
    assert.deepEqual([again.status, again.rules], ['rejected', ['repeat']]);
  });
  it('when the same job runs again (a retry), then it is not its own repeat', async () => {
    const c = { ...ctx('').comment, commentId: newId(), authorId: newId(), body: 'A comment decided twice.' };
    assert.equal((await decide('', { comment: c })).status, 'approved');
    assert.equal((await decide('', { comment: c })).status, 'approved');
  });
  it('when another reader posts the same text, or the window is 0, then it is not a repeat', async () => {
    const body = `Same words ${newId()}`;
    assert.equal((await decide(body)).status, 'approved');
    assert.equal((await decide(body)).status, 'approved', 'another reader (each context has its own author)');
    const authorId = newId();
    // (A third account with the same long text would be a campaign: that rule is off here.)
    const settings = { repeat: { windowSeconds: 0 }, coordinated: { accounts: 0 } };
    for (let i = 0; i < 2; i++) {
      assert.equal(
        (await decide('', { settings, comment: { ...ctx('').comment, commentId: newId(), authorId, body } })).status,
        'approved',
      );
    }
  });
  it('when texts differ only by letters a normaliser keeps, then they differ', () => {
    assert.notEqual(textHash('I agree with the mayor.'), textHash('I disagree with the mayor.'));
    assert.equal(textHash('Café  OK'), textHash('cafe ok'));
    assert.equal(textHash('a\u200Bb'), textHash('ab'), 'zero-width characters do not make a new text');
    assert.notEqual(textHash('I would pay 5 dollars'), textHash('I would pay 50 dollars'));
  });
});

describe('rule: links', () => {
  const cases: { name: string; body: string; approved: number; settings?: unknown; status: string; rule?: string }[] = [
    {
      name: 'a link from a reader below the approved count is held',
      body: 'See https://example.org/report',
      approved: 1,
      status: 'pending',
      rule: 'links',
    },
    {
      name: 'a bare domain counts as a link',
      body: 'read example.org/report now',
      approved: 0,
      status: 'pending',
      rule: 'links',
    },
    {
      name: 'a link from an established reader is approved',
      body: 'See https://example.org/report',
      approved: 2,
      status: 'approved',
    },
    {
      name: 'a link to an allowed domain (or subdomain) is approved',
      body: 'See https://news.gov.example.ca/x',
      approved: 0,
      settings: { links: { allowDomains: ['example.ca'] } },
      status: 'approved',
    },
    {
      name: 'a link to a denied domain is rejected, however established the reader',
      body: 'buy at http://www.spam-pills.biz/now',
      approved: 100,
      settings: { links: { denyDomains: ['spam-pills.biz'] } },
      status: 'rejected',
      rule: 'link_denied',
    },
    {
      name: 'a denied subdomain is rejected',
      body: 'cheap.spam-pills.biz',
      approved: 100,
      settings: { links: { denyDomains: ['spam-pills.biz'] } },
      status: 'rejected',
      rule: 'link_denied',
    },
    ...[
      '[cheap pills](https://spam-pills\\.biz/now)',
      '[cheap pills](https://spam-pills&#46;biz/now)',
      '[cheap pills](https://spam-pills%2Ebiz/now)',
      '[cheap pills](https://spam-pills。biz/now)',
      '[cheap pills](<https://spam-pills.biz/now>)',
    ].map((body) => ({
      name: `a Markdown link whose destination the page decodes to a denied domain is rejected (${body})`,
      body,
      approved: 100,
      settings: { links: { denyDomains: ['spam-pills.biz'] } },
      status: 'rejected',
      rule: 'link_denied',
    })),
    {
      name: 'an escaped Markdown link quoted in a code span (shown as written, no link) is not a denied link',
      body: 'Spammers write `[cheap pills](https://spam-pills\\.biz/now)` to get past filters.',
      approved: 100,
      settings: { links: { denyDomains: ['spam-pills.biz'] } },
      status: 'approved',
    },
    {
      name: 'a Markdown link dressed as an allowed domain is held for a new reader',
      body: '[BBC story](https://bbc.co.uk\\.spam-pills.biz/x)',
      approved: 0,
      settings: { links: { allowDomains: ['bbc.co.uk'] } },
      status: 'pending',
      rule: 'links',
    },
    {
      name: 'a denied domain listed with www. denies the domain',
      body: 'buy at https://spam-pills.biz/cheap',
      approved: 100,
      settings: { links: { denyDomains: ['www.spam-pills.biz'] } },
      status: 'rejected',
      rule: 'link_denied',
    },
    {
      name: 'an allowed domain listed with www. allows its links',
      body: 'See https://bbc.co.uk/news/1',
      approved: 0,
      settings: { links: { allowDomains: ['www.bbc.co.uk'] } },
      status: 'approved',
    },
    {
      name: 'numbers, decimals and abbreviations are not links',
      body: 'Route 455 costs 3.5 million, e.g. in 2024 (node.js aside)',
      approved: 0,
      status: 'approved',
    },
  ];
  for (const c of cases) {
    it(`when ${c.name}, then ${c.status}`, async () => {
      const d = await decide(c.body, { author: { ...author, approvedCount: c.approved }, settings: c.settings });
      assert.equal(d.status, c.status, JSON.stringify(d.reasons));
      if (c.rule) assert.equal(d.rules.at(-1), c.rule);
    });
  }
  it('when a link is found, then its span is the link text in the comment', () => {
    const body = 'Read this: www.Example.org/a?b=1 please';
    const [link] = findLinks(body);
    assert.equal(link?.host, 'example.org');
    assert.equal(body.slice(link!.start, link!.end), 'www.Example.org/a?b=1');
  });
  it('when a text fails the quick pre-check, then the full matcher finds no link in it either (seeded random texts and known shapes)', () => {
    const full = new LinkifyIt(LINKIFY_OPTIONS);
    const pieces = [
      'a',
      'w',
      'x',
      'com',
      'org',
      'io',
      'рф',
      'xn--p1ai',
      'localhost',
      '1',
      '25',
      '.',
      '. ',
      ' ',
      ':',
      '/',
      '//',
      '@',
      '-',
      '_',
      '。',
      '[',
      ']',
      '?',
      'é',
      '\u00a0',
      'x.com',
      'www.',
      'https:',
      '10.0.0.1',
    ];
    let seed = 42;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const texts = [
      'see //localhost/x',
      'www.example.org',
      'example.com',
      '1.2.3.4',
      'http://x',
      'ftp://files',
      'Route 455 costs 3.5 million',
      'The end. Then more.',
      ...Array.from({ length: 20_000 }, () =>
        Array.from({ length: 1 + Math.floor(next() * 10) }, () => pieces[Math.floor(next() * pieces.length)]).join(''),
      ),
    ];
    let withLinks = 0;
    for (const text of texts) {
      const found = full.match(text) !== null;
      if (found) withLinks++;
      if (found) assert.ok(MAY_HOLD_LINK.test(text), `the pre-check skips a link in ${JSON.stringify(text)}`);
      if (!MAY_HOLD_LINK.test(text)) assert.deepEqual(findLinks(text), []);
    }
    assert.ok(withLinks > 1000, `only ${withLinks} of the texts hold links`);
  });
});

describe('rule: pre-moderation', () => {
  const newReader = { ...author, approvedCount: 1 };
  const cases: { name: string; o: Parameters<typeof ctx>[1]; status: string }[] = [
    { name: 'premod is off', o: { author: newReader }, status: 'approved' },
    {
      name: 'premod is "new" and the reader has fewer approved comments than premodNewCount',
      o: { author: newReader, settings: { premod: 'new' } },
      status: 'pending',
    },
    {
      name: 'premod is "new" and the reader has enough approved comments',
      o: { author: { ...author, approvedCount: 2 }, settings: { premod: 'new' } },
      status: 'approved',
    },
    {
      name: 'premod is "all"',
      o: { author: { ...author, approvedCount: 500 }, settings: { premod: 'all' } },
      status: 'pending',
    },
    {
      name: 'the post overrides "all" with "off"',
      o: { settings: { premod: 'all' }, postPremod: 'off' },
      status: 'approved',
    },
    { name: 'the post sets "all" on a site with premod off', o: { postPremod: 'all' }, status: 'pending' },
    {
      name: 'the reader is flagged always-premoderate',
      o: { author: { ...author, premod: true, approvedCount: 500 } },
      status: 'pending',
    },
    {
      name: 'a moderator writes on an "all" site',
      o: { author: { ...author, role: 'moderator' }, settings: { premod: 'all' } },
      status: 'approved',
    },
  ];
  for (const c of cases) {
    it(`when ${c.name}, then ${c.status}`, async () => {
      const d = await decide('A plain comment.', c.o);
      assert.equal(d.status, c.status, JSON.stringify(d.reasons));
      if (c.status === 'pending') assert.equal(d.rules.at(-1), 'premod');
    });
  }
});

describe('rule: reader history', () => {
  const cases: { name: string; total: number; rejected: number; status: string }[] = [
    { name: 'a reader had 2 of 5 recent comments rejected (40% > 30%)', total: 5, rejected: 2, status: 'pending' },
    { name: 'a reader had 1 of 5 rejected (20%)', total: 5, rejected: 1, status: 'approved' },
    { name: 'a reader has too few recent comments to judge (1 of 2)', total: 2, rejected: 1, status: 'approved' },
  ];
  for (const c of cases) {
    it(`when ${c.name}, then ${c.status}`, async () => {
      const d = await decide('A plain comment.', { history: { total: c.total, rejected: c.rejected } });
      assert.equal(d.status, c.status);
      if (c.status === 'pending') assert.equal(d.rules.at(-1), 'history');
    });
  }
  it('when the site sets rejectRate 1, then history never holds', async () => {
    assert.equal(
      (await decide('x y z', { history: { total: 10, rejected: 10 }, settings: { history: { rejectRate: 1 } } }))
        .status,
      'approved',
    );
  });
});

describe('rule: coordinated posting', () => {
  const campaign = 'The mayor has betrayed this city and must resign before the election next month!';
  const variants = [
    campaign,
    'the mayor has betrayed this city and MUST resign before the election next month',
    'The mayor has betrayed this city and must resign before the election next month!!!',
    'The Mayor has betrayed this city, and must resign before the election next month.',
  ];
  it('when near-identical long texts come from 3 distinct accounts, then the third is held and the earlier ones are held too', async () => {
    const siteId = `site-${newId()}`;
    const held: string[] = [];
    const services = testServices();
    // What the processor does once each comment is stored (holding here only records the ids).
    const effectDeps = {
      memory: services.memory,
      holdOthers: async (_siteId: string, ids: readonly string[]) => held.push(...ids),
    };
    const ids: string[] = [];
    const statuses: string[] = [];
    for (const body of variants.slice(0, 3)) {
      const c = { ...ctx('').comment, siteId, commentId: newId(), authorId: newId(), body };
      ids.push(c.commentId);
      const d = await runPipeline(ctx('', { comment: c, services }));
      await applyEffects(d.effects, effectDeps);
      statuses.push(d.status);
      if (d.status === 'pending') assert.match(d.reasons.at(-1)!.detail, /3 accounts/);
    }
    assert.deepEqual(statuses, ['approved', 'approved', 'pending']);
    assert.deepEqual(held.sort(), ids.slice(0, 2).sort(), 'the two earlier comments are held as well');

    // A fourth member is held; the three already held are not held again.
    const fourth = { ...ctx('').comment, siteId, commentId: newId(), authorId: newId(), body: variants[3]! };
    const d = await runPipeline(ctx('', { comment: fourth, services }));
    await applyEffects(d.effects, effectDeps);
    assert.equal(d.status, 'pending');
    assert.equal(held.length, 2, 'no second round of holds');
  });
  it('when one account repeats near-identical text, or texts differ, or they are short, then it is not a campaign', async () => {
    const siteId = `site-${newId()}`;
    const services = testServices();
    const oneAuthor = newId();
    const run = (body: string, authorId = newId()) =>
      runPipeline(
        ctx('', {
          services,
          comment: { ...ctx('').comment, siteId, commentId: newId(), authorId, body },
          settings: { repeat: { windowSeconds: 0 } },
        }),
      );
    for (const body of variants) assert.equal((await run(body, oneAuthor)).status, 'approved');
    for (const body of ['Great article!', 'great article', 'Great article.'])
      assert.equal((await run(body)).status, 'approved');
    const distinct = [
      'Property taxes went up four percent while the library budget was cut again this year.',
      'Bus ridership is back above the 2019 level on most routes, which nobody expected.',
      'The school board vote is on Thursday and the public can speak for three minutes each.',
    ];
    for (const body of distinct) assert.equal((await run(body)).status, 'approved');
  });
  it('when MinHash compares texts, then near-identical ones score high and different ones low', () => {
    const a = minhash(variants[0]!, 40)!;
    assert.ok(similarity(a, minhash(variants[1]!, 40)!) >= 0.9);
    assert.ok(
      similarity(
        a,
        minhash('Transit ridership is back above the 2019 level on most routes, which nobody expected.', 40)!,
      ) < 0.3,
    );
    assert.equal(minhash('short', 40), null);
  });
  it('when a text is fingerprinted, then its signature and bands are those of every earlier release (workers of two versions share Redis during a rollout)', () => {
    const sig = minhash('Vote no on the harbour tunnel: it costs too much and helps too few.', 40)!;
    assert.equal(
      encodeSig(sig),
      'H/rpATTtBQU+lyABRgI/Ake4EwJmAPgErTdmBAnRaAiVTOUMTcIVAatvaQHuTuQAvOR5AKiCOgGQdfMNKTWWD8WEPgK6Ki4MkvMpA/LMuQqdxgEXpuHIAygnEAE1lnwBVrCJAwr+RAPtDSUCELZyAqB3WQAT2FgJF1nIAPSrOgA=',
    );
    assert.deepEqual(bands(sig), [
      '0.j493z.1e6alw.b9dfi.mfozq',
      '1.kqvyf.1dmqg6.17xygd.2bzzex',
      '2.3kt7rp.au5ot.e3p2j.8wp2m',
      '3.4r7wc.c9s4o.3vcp74.4bowfd',
      '4.mf079.3dnz5m.vlpjm.2z4xde',
      '5.6dt5lp.11syau.ama7c.eulh1',
      '6.zc6s6.wnoy2.lf8j1.ogbgw',
      '7.3ho68.2ld53n.7tf6f.2aewk',
    ]);
  });
});

describe('rule: banned and suspect words', () => {
  const settings = { bannedWords: ['frack', 'bad apple'], suspectWords: ['shill', 'sheep'] };
  const cases: { body: string; status: string; rule?: string; span?: string }[] = [
    { body: 'You are a frack.', status: 'rejected', rule: 'banned_word', span: 'frack' },
    { body: 'you FRACK', status: 'rejected', rule: 'banned_word', span: 'FRACK' },
    { body: 'f.r.a.c.k off', status: 'rejected', rule: 'banned_word', span: 'f.r.a.c.k' },
    { body: 'f r a c k off', status: 'rejected', rule: 'banned_word' },
    { body: 'frrraaack', status: 'rejected', rule: 'banned_word' },
    { body: 'fr\u200Back', status: 'rejected', rule: 'banned_word' },
    { body: 'frаck (Cyrillic а)', status: 'rejected', rule: 'banned_word' },
    { body: 'a real bad   apple here', status: 'rejected', rule: 'banned_word', span: 'bad   apple' },
    { body: 'Fracking is on the ballot.', status: 'approved' },
    { body: 'The bad apples were sorted.', status: 'approved' },
    { body: 'Another paid shill.', status: 'pending', rule: 'suspect_word', span: 'shill' },
    { body: 'Sh33p, all of you', status: 'pending', rule: 'suspect_word' },
    { body: 'Sheepish grins at the shilling price.', status: 'approved' },
    { body: 'a frack and a shill', status: 'rejected', rule: 'banned_word' },
  ];
  for (const c of cases) {
    it(`when the comment is ${JSON.stringify(c.body)}, then ${c.status}${c.rule ? ` by ${c.rule}` : ''}`, async () => {
      const d = await decide(c.body, { settings });
      assert.equal(d.status, c.status, JSON.stringify(d.reasons));
      if (c.rule) {
        const r = d.reasons.find((x) => x.rule === c.rule)!;
        assert.ok(r, `a ${c.rule} reason`);
        assert.equal(r.span!.text, c.body.slice(r.span!.start, r.span!.end), 'the span points into the comment');
        if (c.span) assert.equal(r.span!.text, c.span);
      }
    });
  }
  it('when staff use a suspect word, then it is not held; a banned word is still rejected', async () => {
    const mod = { ...author, role: 'admin' as const };
    assert.equal((await decide('Another paid shill.', { settings, author: mod })).status, 'approved');
    assert.equal((await decide('You are a frack.', { settings, author: mod })).status, 'rejected');
  });
  it('when a site changes its list, then the next comment is matched against the new list', async () => {
    assert.equal((await decide('what a frack', { settings })).status, 'rejected');
    assert.equal((await decide('what a frack', { settings: { bannedWords: ['other'] } })).status, 'approved');
  });
});
