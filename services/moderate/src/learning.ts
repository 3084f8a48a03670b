import type { Api } from './api.js';
import { byId, h } from './dom.js';
import type { AdapterFigures, AgreementFigures, ScorerAgreement } from './types.js';

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
const num = (x: number | null) => (x === null ? '—' : x.toFixed(3));

/**
 * The site admin's panel: what the site's adapter learned from its moderators (shadow figures against
 * the shared model, in use or not, reset) and how the site's scorer and its shadow scorer agree with them.
 */
export class LearningPanel {
  private readonly panel = byId('learning');

  constructor(
    private readonly api: Api,
    private readonly say: (message: string) => void,
  ) {
    byId('adapter-reset').addEventListener('click', () => void this.reset());
  }

  async show(isAdmin: boolean): Promise<void> {
    this.panel.hidden = !isAdmin;
    if (isAdmin) await this.refresh();
  }

  async refresh(): Promise<void> {
    if (this.panel.hidden) return;
    try {
      const [{ adapter }, { agreement }] = await Promise.all([this.api.adapter(), this.api.agreement()]);
      this.renderAdapter(adapter);
      this.renderAgreement(agreement);
    } catch (err) {
      this.say(`Could not read the learning figures: ${(err as Error).message}`);
    }
  }

  private renderAdapter(a: AdapterFigures): void {
    const state = a.inUse
      ? a.scoresEveryComment
        ? 'in use: it scores TOXICITY for this site'
        : "in use, but the site's scorers leave out the embedded one: it scores only comments a remote scorer could not"
      : !a.enabled
        ? 'switched off in the settings'
        : 'not in use yet: the shared model scores until the adapter does better on recent decisions';
    byId('adapter-state').textContent = state;
    byId('adapter-figures').replaceChildren(
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, 'Shared model'),
        h('td', {}, num(a.base.auc)),
        h('td', {}, num(a.base.logLoss)),
      ),
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, 'Site adapter'),
        h('td', {}, num(a.adapter.auc)),
        h('td', {}, num(a.adapter.logLoss)),
      ),
    );
    byId('adapter-counts').textContent =
      `${a.decisionsLearned} decisions learned (${a.waiting} waiting); window of ${a.window.n}, ${a.window.rejected} rejected.`;
    byId('adapter-older').hidden = a.groupContext;
    // A new shared model since the window was scored: those figures are the old model's, and the adapter is checked
    // again on the next decisions before it scores.
    const rechecking = a.decisionsLearned > 0 && a.learnedOn !== a.sharedModel;
    const notice = byId('adapter-rechecking');
    notice.hidden = !rechecking;
    notice.textContent = rechecking
      ? `The shared model is now ${a.sharedModel}; these figures are ${a.learnedOn ?? 'an earlier model'}'s. The adapter keeps what it learned and is checked again on the next decisions: it scores once it does better than ${a.sharedModel} on them.`
      : '';
  }

  private renderAgreement(g: ScorerAgreement): void {
    const row = (label: string, f: AgreementFigures | null) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, label),
        h('td', {}, f ? String(f.n) : '—'),
        h('td', {}, f ? num(f.auc) : '—'),
        h('td', {}, f ? pct(f.precision) : '—'),
        h('td', {}, f ? pct(f.recall) : '—'),
      );
    byId('agreement-figures').replaceChildren(
      row(`Scorers (${g.primary.scorers.join(', ')})`, g.primary),
      row(g.shadow ? `Shadow (${g.shadow.scorer})` : 'Shadow (none set)', g.shadow),
    );
    byId('agreement-threshold').textContent = `Precision and recall at the hold threshold ${g.threshold}.`;
  }

  private async reset(): Promise<void> {
    if (!window.confirm("Reset the site's adapter? It forgets every decision it learned.")) return;
    try {
      const { adapter } = await this.api.resetAdapter();
      this.renderAdapter(adapter);
      this.say('The adapter was reset; the shared model scores this site.');
    } catch (err) {
      this.say(`Error: ${(err as Error).message}`);
    }
  }
}
