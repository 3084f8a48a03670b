import { Api, ApiError } from './api.js';
import { Board } from './board.js';
import { byId } from './dom.js';
import { DsaPanel } from './dsa.js';
import { AnalyticsPanel } from './analytics.js';
import { SearchPanel } from './search.js';
import { UndoBar } from './undo.js';
import { Wellbeing } from './wellbeing.js';
import { SurgeBanner } from './surges.js';

// Composition of the page: one API client (the token in memory), the sign-in form, the board.
const api = new Api();
const status = byId('status');
const say = (message: string) => {
  status.textContent = message;
};
const board = new Board(api, say);
const dsa = new DsaPanel(api, say);
const analytics = new AnalyticsPanel(api, say);
const search = new SearchPanel(api, say);
const undo = new UndoBar(api, say);
const wellbeing = new Wellbeing();
const surges = new SurgeBanner(api, say);
const PAST = { approve: 'Approved', reject: 'Rejected' } as const;
board.decided = (item, action) => undo.offer(item.id, `${PAST[action]} the comment by ${item.author.name}.`);
// Decided from the search results: the board's list may hold it, so it is read again.
search.decided = (item, action) => {
  board.decided(item, action);
  void board.reload();
};
undo.undone = async () => {
  await Promise.all([board.reload(), search.reload()]);
};

api.onUnauthorized = () => {
  board.stop();
  api.signOut();
  show(false);
  byId('signin-error').textContent = 'Your session ended; sign in again.';
};

function show(signedIn: boolean): void {
  if (signedIn) surges.start();
  else {
    surges.stop();
    analytics.close();
    search.close();
    undo.hide();
  }
  wellbeing.reset();
  if (!signedIn) resetSignIn();
  byId('signin').hidden = signedIn;
  byId('workspace').hidden = !signedIn;
}

const form = byId<HTMLFormElement>('signin-form');
const codeRow = byId('signin-code-row');
const codeInput = byId<HTMLInputElement>('signin-code');
const enrol = byId('enrol');

/** Back to the sign-in form as it first is: no code asked, the enrolment hidden. */
function resetSignIn(): void {
  form.reset();
  codeRow.hidden = true;
  codeInput.required = false;
  enrol.hidden = true;
}

async function enterWorkspace(): Promise<void> {
  show(true);
  await Promise.all([board.start(), dsa.show()]);
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(form);
  const error = byId('signin-error');
  error.textContent = '';
  const password = String(data.get('password'));
  const code = String(data.get('totp') ?? '').trim();
  try {
    const user = await api.signIn(
      String(data.get('siteId')).trim(),
      String(data.get('email')).trim(),
      password,
      codeRow.hidden ? undefined : code,
    );
    if (user.role === 'commenter') {
      api.signOut();
      error.textContent = 'This account is not a moderator of the site.';
      return;
    }
    resetSignIn();
    if (await api.needsTotpEnrolment()) await startEnrolment(password);
    else await enterWorkspace();
  } catch (err) {
    if (err instanceof ApiError && err.code === 'totp_required') {
      codeRow.hidden = false;
      codeInput.required = true;
      codeInput.focus();
      error.textContent = 'Enter the code your authenticator app shows for this site.';
      return;
    }
    if (err instanceof ApiError && err.status === 401) {
      error.textContent = codeRow.hidden
        ? 'Wrong site, email or password.'
        : 'Wrong password or code (a code works once: wait for the next one).';
      if (!codeRow.hidden) codeInput.value = '';
      return;
    }
    error.textContent = (err as Error).message;
  }
});

/** The site requires two-factor sign-in: a key for the moderator's app, then its first code turns it on. */
async function startEnrolment(password: string): Promise<void> {
  const fresh = await api.totpSetup(password);
  byId('enrol-secret').textContent = fresh.secret.replace(/(.{4})(?=.)/g, '$1 ');
  const link = byId<HTMLAnchorElement>('enrol-link');
  link.href = fresh.otpauthUrl.startsWith('otpauth://') ? fresh.otpauthUrl : '#enrol-title';
  byId('signin').hidden = true;
  enrol.hidden = false;
  byId('enrol-title').focus();
}

const enrolForm = byId<HTMLFormElement>('enrol-form');
enrolForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = byId('enrol-error');
  error.textContent = '';
  const code = String(new FormData(enrolForm).get('code')).trim();
  try {
    await api.enableTotp(code);
  } catch (err) {
    error.textContent =
      err instanceof ApiError && err.code === 'invalid_code'
        ? 'That code is wrong or expired: enter the one the app shows now.'
        : (err as Error).message;
    return;
  }
  enrolForm.reset();
  enrol.hidden = true;
  say('Two-factor sign-in is on: sign-ins now ask for a code.');
  await enterWorkspace();
});

byId('enrol-cancel').addEventListener('click', () => {
  api.signOut({ revoke: true });
  enrolForm.reset();
  show(false);
  byId<HTMLInputElement>('signin-site').focus();
});

byId('signout').addEventListener('click', () => {
  board.stop();
  api.signOut({ revoke: true });
  show(false);
  say('Signed out.');
  byId<HTMLInputElement>('signin-site').focus();
});
