/**
 * The sign-in popup's script and style, served from the API's own origin (its CSP allows only
 * 'self'). The script posts the access token to the page that opened it, and only to the
 * origin the server checked against the site's registered origins.
 */
export const LOGIN_JS = `(() => {
  // The pages the mailed links lead to: choosing a new password, confirming an address. Each sends the link's
  // token (read, then taken out of the address bar) with what the form holds.
  const linked = document.getElementById('reset') || document.getElementById('verify');
  if (linked) {
    const token = new URLSearchParams(location.search).get('token') || '';
    history.replaceState(null, '', location.pathname + (document.documentElement.lang === 'fr' ? '?lang=fr' : ''));
    const form = linked.querySelector('form');
    const status = document.getElementById('login-status');
    const submit = document.getElementById('submit');
    const path = linked.id === 'reset' ? '/api/v1/auth/password-reset/confirm' : '/api/v1/auth/verify-email';
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.textContent = '';
      submit.disabled = true;
      try {
        const body = linked.id === 'reset' ? { token, password: new FormData(form).get('password') } : { token };
        const res = await fetch(path, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
        });
        const data = await res.json().catch(() => ({}));
        if (!res.ok) { status.textContent = (data.error && data.error.message) || linked.dataset.textFailed; return; }
        form.hidden = true;
        status.textContent = linked.dataset.textDone;
      } catch {
        status.textContent = linked.dataset.textFailed;
      } finally {
        submit.disabled = false;
      }
    });
    return;
  }
  const root = document.getElementById('login');
  const site = root.dataset.site, target = root.dataset.origin;
  const form = document.getElementById('login-form');
  const status = document.getElementById('login-status');
  const nameRow = document.getElementById('name-row');
  const toggle = document.getElementById('mode');
  const submit = document.getElementById('submit');
  const passwordRow = document.getElementById('password-row');
  const forgotButton = document.getElementById('forgot');
  let register = false;
  let forgot = false;
  // "Forgot your password?": the address alone, and a link is mailed to it.
  forgotButton.addEventListener('click', () => {
    forgot = true;
    register = false;
    nameRow.hidden = true;
    passwordRow.hidden = true;
    document.getElementById('password').required = false;
    document.getElementById('name').required = false;
    forgotButton.hidden = true;
    submit.textContent = root.dataset.textResetSend;
    toggle.textContent = root.dataset.textHaveAccount;
    document.getElementById('email').focus();
  });
  toggle.addEventListener('click', () => {
    if (forgot) {
      forgot = false;
      passwordRow.hidden = false;
      document.getElementById('password').required = true;
      forgotButton.hidden = false;
      submit.textContent = root.dataset.textLogin;
      toggle.textContent = root.dataset.textNoAccount;
      return;
    }
    register = !register;
    nameRow.hidden = !register;
    document.getElementById('name').required = register;
    submit.textContent = register ? root.dataset.textRegister : root.dataset.textLogin;
    toggle.textContent = register ? root.dataset.textHaveAccount : root.dataset.textNoAccount;
    document.getElementById('password').autocomplete = register ? 'new-password' : 'current-password';
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.textContent = '';
    const f = new FormData(form);
    const body = forgot ? { siteId: site, email: f.get('email') } : { siteId: site, email: f.get('email'), password: f.get('password') };
    if (register) body.displayName = f.get('name');
    submit.disabled = true;
    try {
      const path = forgot ? '/api/v1/auth/password-reset' : register ? '/api/v1/auth/register' : '/api/v1/auth/login';
      const res = await fetch(path, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) { status.textContent = (data.error && data.error.message) || root.dataset.textFailed; return; }
      // A new account confirms its address first: say so, and offer sign-in for when it is confirmed.
      if (!data.accessToken) { if (register) toggle.click(); status.textContent = data.message || root.dataset.textFailed; return; }
      if (!window.opener) { status.textContent = root.dataset.textNoOpener; return; }
      window.opener.postMessage({ type: 'comments:signed-in', accessToken: data.accessToken, user: data.user }, target);
      status.textContent = root.dataset.textDone;
      window.close();
    } catch {
      status.textContent = root.dataset.textFailed;
    } finally {
      submit.disabled = false;
    }
  });
})();
`;

export const LOGIN_CSS = `
:root { color-scheme: light dark; font: 16px/1.5 system-ui, sans-serif; }
body { margin: 0; padding: 24px; background: Canvas; color: CanvasText; }
main { max-width: 360px; margin: 0 auto; }
h1 { font-size: 1.3rem; margin: 0 0 4px; }
p { margin: 0 0 16px; }
label { display: block; font-weight: 600; margin: 12px 0 4px; }
input { box-sizing: border-box; width: 100%; padding: 8px; font: inherit; border: 1px solid GrayText; border-radius: 6px; }
button { font: inherit; padding: 8px 16px; border-radius: 6px; cursor: pointer; }
#submit { margin-top: 16px; width: 100%; background: #1a5fb4; color: #fff; border: 0; font-weight: 600; }
#mode, #forgot { display: block; margin-top: 12px; background: none; border: 0; color: LinkText; text-decoration: underline; padding: 0; }
#login-status { min-height: 1.5em; margin-top: 12px; color: #c01c28; }
:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
`;
