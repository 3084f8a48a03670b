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
  byId('signin').hidden = signedIn;
  byId('workspace').hidden = !signedIn;
}

const form = byId<HTMLFormElement>('signin-form');
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(form);
  const error = byId('signin-error');
  error.textContent = '';
  try {
    const user = await api.signIn(
      String(data.get('siteId')).trim(),
      String(data.get('email')).trim(),
      String(data.get('password')),
    );
    if (user.role === 'commenter') {
      api.signOut();
      error.textContent = 'This account is not a moderator of the site.';
      return;
    }
    form.reset();
    show(true);
    await Promise.all([board.start(), dsa.show()]);
  } catch (err) {
    error.textContent =
      err instanceof ApiError && err.status === 401 ? 'Wrong site, email or password.' : (err as Error).message;
  }
});

byId('signout').addEventListener('click', () => {
  board.stop();
  api.signOut();
  show(false);
  say('Signed out.');
  byId<HTMLInputElement>('signin-site').focus();
});
