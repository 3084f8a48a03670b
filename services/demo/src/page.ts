import { ARTICLE } from './article.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PageOptions {
  apiUrl: string;
  publicUrl: string;
  siteId: string;
  lang: 'en' | 'fr';
}

/**
 * The article page as a small newspaper's site would serve it: masthead, story, "Share this
 * post", then the comment section with the widget embedded by the one documented snippet.
 */
export function articlePage(o: PageOptions): string {
  const a = ARTICLE;
  const url = `${o.publicUrl.replace(/\/$/, '')}/`;
  const api = o.apiUrl.replace(/\/$/, '');
  const share = encodeURIComponent(url);
  return `<!doctype html>
<html lang="${o.lang === 'fr' ? 'fr-CA' : 'en-CA'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(a.headline)} – The Harbour Ledger</title>
<link rel="stylesheet" href="/demo.css">
<script src="/demo.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to the article</a>
<header class="masthead">
  <div class="wrap">
    <p class="paper"><a href="/">The Harbour Ledger</a></p>
    <p class="tagline">Harbourview’s independent student newspaper since 1962</p>
    <nav aria-label="Sections"><ul>
      <li><a href="/">News</a></li><li><a href="/" aria-current="page">Politics</a></li><li><a href="/">Campus</a></li>
      <li><a href="/">Arts &amp; Culture</a></li><li><a href="/">Sports</a></li><li><a href="/">Opinion</a></li>
    </ul></nav>
    <div class="tools">
      <button type="button" id="theme-toggle" aria-pressed="false">Dark mode</button>
      <a href="/?lang=${o.lang === 'fr' ? 'en' : 'fr'}" lang="${o.lang === 'fr' ? 'en' : 'fr'}">${o.lang === 'fr' ? 'English' : 'Français'}</a>
    </div>
  </div>
</header>
<main id="main" class="wrap">
<article class="story">
  <p class="section-tag">${esc(a.section)}</p>
  <h1>${esc(a.headline)}</h1>
  <p class="dek">${esc(a.dek)}</p>
  <p class="byline">By <strong>${esc(a.byline)}</strong>, ${esc(a.role)} · <time datetime="${a.date}">${esc(a.dateText)}</time></p>
  ${a.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n  ')}
  <p class="edited">Edited by: ${esc(a.editedBy)}</p>
</article>
<aside class="share" aria-labelledby="share-title">
  <h2 id="share-title">Share this post</h2>
  <ul>
    <li><a href="https://www.facebook.com/sharer/sharer.php?u=${share}" rel="noopener" target="_blank">Facebook</a></li>
    <li><a href="https://twitter.com/intent/tweet?url=${share}" rel="noopener" target="_blank">X</a></li>
    <li><a href="https://www.linkedin.com/sharing/share-offsite/?url=${share}" rel="noopener" target="_blank">LinkedIn</a></li>
    <li><a href="mailto:?subject=${encodeURIComponent(a.headline)}&amp;body=${share}">Email</a></li>
  </ul>
</aside>
<section class="discussion" aria-label="Discussion">
  <div id="demo-login" class="demo-login">
    <p id="demo-login-text">This is a demo publisher: it has no real accounts. Sign in as a made-up reader to try the comments.</p>
    <button type="button" id="demo-signin">Sign in as a demo reader</button>
    <button type="button" id="demo-signout" hidden>Sign out</button>
    <p id="demo-status" role="status" aria-live="polite"></p>
  </div>
  <div id="comments" data-site="${esc(o.siteId)}" data-post="${esc(a.postId)}" data-title="${esc(a.headline)}" data-url="${esc(url)}" data-login-url="#demo-login"${o.lang === 'fr' ? ' data-lang="fr"' : ''}></div>
  <script src="${esc(api)}/embed.js" async></script>
</section>
</main>
<footer class="foot"><div class="wrap"><p>The Harbour Ledger is a demonstration page for Newsroom Comments. The people and events in this story are fictional.</p></div></footer>
</body>
</html>`;
}

/** The page's Content-Security-Policy: the one documented for publishers, with the API's origin. */
export function pageCsp(apiUrl: string): string {
  const api = new URL(apiUrl).origin;
  return [
    "default-src 'self'",
    `script-src 'self' ${api}`,
    `connect-src 'self' ${api}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}
