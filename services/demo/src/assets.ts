/** The demo page's stylesheet: a small newspaper's look, light and dark. */
export const DEMO_CSS = `
:root{--ink:#1b1b1b;--paper:#fbfaf7;--rule:#d8d4cc;--accent:#8b1e2b;--muted:#5b5750;color-scheme:light;
--comments-accent:#8b1e2b;--comments-font:Georgia,"Times New Roman",serif;--comments-radius:4px;--comments-bg:#fbfaf7;--comments-surface:#f2efe8}
:root[data-theme=dark]{--ink:#ece8e1;--paper:#161514;--rule:#3b3833;--accent:#f08c96;--muted:#b0aa9f;color-scheme:dark;
--comments-accent:#f08c96;--comments-bg:#161514;--comments-surface:#201f1d}
@media (prefers-color-scheme:dark){:root:not([data-theme=light]){--ink:#ece8e1;--paper:#161514;--rule:#3b3833;--accent:#f08c96;--muted:#b0aa9f;color-scheme:dark;
--comments-accent:#f08c96;--comments-bg:#161514;--comments-surface:#201f1d}}
*{box-sizing:border-box}
body{margin:0;background:var(--paper);color:var(--ink);font:18px/1.65 Georgia,"Times New Roman",serif}
a{color:var(--accent)}
.wrap{max-width:760px;margin:0 auto;padding:0 20px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:var(--paper);padding:8px;z-index:1}
.masthead{border-bottom:3px double var(--rule);padding:20px 0 8px;text-align:center}
.paper{margin:0;font-size:2.4rem;font-weight:700;letter-spacing:.02em;font-variant:small-caps}
.paper a{color:var(--ink);text-decoration:none}
.tagline{margin:0 0 10px;color:var(--muted);font-style:italic;font-size:.9rem}
nav ul{list-style:none;display:flex;flex-wrap:wrap;justify-content:center;gap:4px 20px;margin:0;padding:8px 0;border-top:1px solid var(--rule);font:600 .8rem/1.4 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.08em}
nav a{color:var(--ink);text-decoration:none}nav a[aria-current]{color:var(--accent);border-bottom:2px solid var(--accent)}
.tools{display:flex;justify-content:flex-end;gap:12px;align-items:center;font:.85rem system-ui,sans-serif}
.tools button,.demo-login button{font:600 .9rem system-ui,sans-serif;padding:6px 12px;border:1px solid var(--rule);border-radius:4px;background:transparent;color:var(--ink);cursor:pointer}
.story{padding-top:28px}
.section-tag{margin:0;color:var(--accent);font:700 .8rem system-ui,sans-serif;text-transform:uppercase;letter-spacing:.1em}
h1{font-size:2.3rem;line-height:1.15;margin:6px 0 10px}
.dek{font-size:1.2rem;color:var(--muted);margin:0 0 14px}
.byline{font:.9rem system-ui,sans-serif;color:var(--muted);border-top:1px solid var(--rule);border-bottom:1px solid var(--rule);padding:8px 0;margin-bottom:22px}
.edited{font-style:italic;color:var(--muted)}
.share{border-top:1px solid var(--rule);margin-top:28px;padding-top:12px}
.share h2{font:700 .85rem system-ui,sans-serif;text-transform:uppercase;letter-spacing:.1em;margin:0 0 8px}
.share ul{list-style:none;display:flex;gap:16px;padding:0;margin:0;font:.95rem system-ui,sans-serif}
.discussion{border-top:3px double var(--rule);margin-top:28px;padding-top:18px}
.demo-login{background:color-mix(in srgb,var(--accent) 8%,transparent);border-left:4px solid var(--accent);padding:10px 14px;margin-bottom:18px;font:.95rem/1.5 system-ui,sans-serif}
.demo-login p{margin:0 0 8px}
#demo-signin{background:var(--accent);color:var(--paper);border-color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.foot{border-top:1px solid var(--rule);margin-top:40px;padding:16px 0;color:var(--muted);font:.85rem system-ui,sans-serif}
`;

/**
 * The demo page's own script (no inline script: the page runs under the documented CSP).
 * Signs a made-up reader in through the demo publisher's SSO endpoint, hands the token to the
 * widget with `Comments.login`, and gives the widget a `getSsoToken` to renew it.
 */
export const DEMO_JS = `(() => {
  let reader = null;
  const token = async (asked) => {
    const res = await fetch('/demo/sso-token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(asked || {}) });
    if (!res.ok) throw new Error('the demo publisher could not sign you in');
    return res.json();
  };
  window.commentsConfig = {
    getSsoToken: async () => (reader ? (await token(reader)).token : null),
    onLogout: () => { reader = null; show(); },
  };
  const comments = () => window.Comments ? Promise.resolve(window.Comments)
    : new Promise((resolve) => window.addEventListener('comments:ready', () => resolve(window.Comments), { once: true }));
  function show() {
    const signin = document.getElementById('demo-signin'), signout = document.getElementById('demo-signout');
    const text = document.getElementById('demo-login-text');
    if (!signin) return;
    signin.hidden = reader !== null;
    signout.hidden = reader === null;
    text.textContent = reader ? 'You are signed in to the demo publisher as ' + reader.name + '.'
      : 'This is a demo publisher: it has no real accounts. Sign in as a made-up reader to try the comments.';
  }
  function applyTheme(theme) {
    document.documentElement.dataset.theme = theme;
    const el = document.getElementById('comments');
    if (el) el.dataset.theme = theme;
    const b = document.getElementById('theme-toggle');
    b.setAttribute('aria-pressed', String(theme === 'dark'));
  }
  document.addEventListener('DOMContentLoaded', () => {
    const status = document.getElementById('demo-status');
    document.getElementById('demo-signin').addEventListener('click', async () => {
      status.textContent = '';
      try {
        const t = await token(null);
        await (await comments()).login(t.token);
        reader = { sub: t.sub, name: t.name };
        show();
        status.textContent = 'Signed in as ' + t.name + '. The comment box is below.';
        document.getElementById('demo-signout').focus();
      } catch (e) {
        status.textContent = 'Sign-in failed: ' + e.message;
      }
    });
    document.getElementById('demo-signout').addEventListener('click', async () => {
      (await comments()).logout();
      reader = null;
      show();
      status.textContent = 'Signed out.';
      document.getElementById('demo-signin').focus();
    });
    const dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
    document.getElementById('theme-toggle').setAttribute('aria-pressed', String(dark));
    document.getElementById('theme-toggle').addEventListener('click', (e) => {
      applyTheme(e.currentTarget.getAttribute('aria-pressed') === 'true' ? 'light' : 'dark');
    });
    show();
  });
})();
`;
