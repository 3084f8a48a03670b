import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { siteIdSchema } from '#shared/schemas.js';
import { findSite } from '#shared/db/sites.js';

const query = z.object({
  site: siteIdSchema,
  origin: z
    .url({ protocol: /^https?$/ })
    .max(300)
    .transform((u) => new URL(u).origin),
  lang: z.enum(['en', 'fr']).catch('en'),
});

const TEXT = {
  en: {
    title: 'Sign in to comment',
    intro: 'Comments on {site}',
    email: 'Email',
    password: 'Password',
    name: 'Display name',
    login: 'Sign in',
    register: 'Create account',
    noAccount: 'No account yet? Create one',
    haveAccount: 'Have an account? Sign in',
    failed: 'Sign-in failed. Please try again.',
    noOpener: 'Open this page from the comments.',
    done: 'Signed in. You may close this window.',
    badOrigin: 'This sign-in page was opened from a page that is not registered for these comments.',
    forgot: 'Forgot your password?',
    resetSend: 'Send me a link',
    resetTitle: 'Choose a new password',
    newPassword: 'New password (at least 10 characters)',
    resetSave: 'Save the new password',
    resetDone: 'Your password was changed. Sign in with it from the comments.',
    verifyTitle: 'Confirm your email address',
    verifyIntro: 'This confirms that the address is yours, so your account can comment.',
    verifySave: 'Confirm my address',
    verifyDone: 'Your address is confirmed. Sign in from the comments.',
  },
  fr: {
    title: 'Connectez-vous pour commenter',
    intro: 'Commentaires de {site}',
    email: 'Courriel',
    password: 'Mot de passe',
    name: 'Nom affiché',
    login: 'Se connecter',
    register: 'Créer un compte',
    noAccount: 'Pas encore de compte ? Créez-en un',
    haveAccount: 'Déjà un compte ? Connectez-vous',
    failed: 'La connexion a échoué. Veuillez réessayer.',
    noOpener: 'Ouvrez cette page depuis les commentaires.',
    done: 'Connecté. Vous pouvez fermer cette fenêtre.',
    badOrigin: 'Cette page de connexion a été ouverte depuis une page non enregistrée pour ces commentaires.',
    forgot: 'Mot de passe oublié ?',
    resetSend: 'Envoyez-moi un lien',
    resetTitle: 'Choisissez un nouveau mot de passe',
    newPassword: 'Nouveau mot de passe (au moins 10 caractères)',
    resetSave: 'Enregistrer le nouveau mot de passe',
    resetDone: 'Votre mot de passe a été changé. Connectez-vous avec lui depuis les commentaires.',
    verifyTitle: 'Confirmez votre adresse électronique',
    verifyIntro: 'Cela confirme que l’adresse est la vôtre, pour que votre compte puisse commenter.',
    verifySave: 'Confirmer mon adresse',
    verifyDone: 'Votre adresse est confirmée. Connectez-vous depuis les commentaires.',
  },
};

type Text = (typeof TEXT)['en'];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The popup's own security headers: scripts and styles only from here, never framed, and an opener it may post to. */
function pageHeaders(res: Response): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  );
  res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/**
 * `GET /login?site=&origin=&lang=`: the service's own sign-in page for sites without SSO,
 * opened by the widget in a popup. It answers only when `origin` is one of the site's
 * registered origins, and hands the token back with postMessage to exactly that origin.
 */
export function loginPage(deps: Pick<ApiDeps, 'db'>) {
  return async (req: Request, res: Response): Promise<void> => {
    pageHeaders(res);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    const q = query.safeParse(req.query);
    const t = TEXT[q.success ? q.data.lang : 'en'];
    const site = q.success ? await findSite(deps.db, q.data.site) : null;
    if (!q.success || !site?.origins.includes(q.data.origin)) {
      res
        .status(400)
        .end(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(t.title)}</title>` +
            `<link rel="stylesheet" href="/login.css"></head><body><main><h1>${esc(t.title)}</h1><p role="alert">${esc(t.badOrigin)}</p></main></body></html>`,
        );
      return;
    }
    const lang = q.data.lang;
    const data = {
      site: site.id,
      origin: q.data.origin,
      'text-login': t.login,
      'text-register': t.register,
      'text-no-account': t.noAccount,
      'text-have-account': t.haveAccount,
      'text-failed': t.failed,
      'text-no-opener': t.noOpener,
      'text-done': t.done,
      'text-forgot': t.forgot,
      'text-reset-send': t.resetSend,
    };
    const attrs = Object.entries(data)
      .map(([k, v]) => `data-${k}="${esc(v)}"`)
      .join(' ');
    res.end(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t.title)}</title><link rel="stylesheet" href="/login.css"></head>
<body><main id="login" ${attrs}>
<h1>${esc(t.title)}</h1><p>${esc(t.intro.replace('{site}', site.name))}</p>
<form id="login-form" novalidate>
<div id="name-row" hidden><label for="name">${esc(t.name)}</label><input id="name" name="name" autocomplete="nickname" maxlength="80"></div>
<label for="email">${esc(t.email)}</label><input id="email" name="email" type="email" autocomplete="email" required>
<div id="password-row"><label for="password">${esc(t.password)}</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
<button id="submit" type="submit">${esc(t.login)}</button>
</form>
<button id="mode" type="button">${esc(t.noAccount)}</button>
<button id="forgot" type="button">${esc(t.forgot)}</button>
<p id="login-status" role="status" aria-live="polite"></p>
</main><script src="/login.js"></script></body></html>`);
  };
}

const resetQuery = z.object({ lang: z.enum(['en', 'fr']).catch('en') });

/** A page a mailed link leads to: its heading, what it says, and the form login.js sends with the link's token. */
function linkedPage(
  id: 'reset' | 'verify',
  o: { title: (t: Text) => string; done: (t: Text) => string; body: (t: Text) => string },
) {
  return (req: Request, res: Response): void => {
    pageHeaders(res);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    const lang = resetQuery.parse(req.query).lang;
    const t = TEXT[lang];
    const attrs = `data-text-done="${esc(o.done(t))}" data-text-failed="${esc(t.failed)}"`;
    res.end(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title(t))}</title><link rel="stylesheet" href="/login.css"></head>
<body><main id="${id}" ${attrs}>
<h1>${esc(o.title(t))}</h1>
${o.body(t)}
<p id="login-status" role="status" aria-live="polite"></p>
</main><script src="/login.js"></script></body></html>`);
  };
}

/**
 * `GET /password-reset?token=…`: where the mailed link to choose a new password leads. The token stays in the
 * address bar only until the page's script reads it; the page sends it with the new password and says what came of it.
 */
export const passwordResetPage = () =>
  linkedPage('reset', {
    title: (t) => t.resetTitle,
    done: (t) => t.resetDone,
    body: (t) => `<form id="reset-form" novalidate>
<label for="new-password">${esc(t.newPassword)}</label><input id="new-password" name="password" type="password" autocomplete="new-password" minlength="10" required>
<button id="submit" type="submit">${esc(t.resetSave)}</button>
</form>`,
  });

/**
 * `GET /verify-email?token=…`: where the mailed link to confirm an address leads. Opening it confirms nothing (mail
 * scanners open links); the reader's click sends the token, which stays in the address bar only until the script reads it.
 */
export const verifyEmailPage = () =>
  linkedPage('verify', {
    title: (t) => t.verifyTitle,
    done: (t) => t.verifyDone,
    body: (t) => `<p>${esc(t.verifyIntro)}</p>
<form id="verify-form" novalidate><button id="submit" type="submit">${esc(t.verifySave)}</button></form>`,
  });
