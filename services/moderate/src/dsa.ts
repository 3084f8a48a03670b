import type { Api } from './api.js';
import { byId, h, when } from './dom.js';

interface NoticeComment {
  id: string;
  status: string;
  body: string;
  authorName: string;
}
interface Notice {
  id: string;
  reference: string;
  category: string;
  explanation: string;
  trusted: boolean;
  notifier: { name: string; email: string | null };
  createdAt: string;
  comments: NoticeComment[];
}
interface Appeal {
  id: string;
  appellant: 'author' | 'notifier';
  explanation: string;
  createdAt: string;
  statement: { decision: string; facts: string; groundDetail: string } | null;
  notice: { reference: string; category: string; decisionReason: string | null; comments: NoticeComment[] } | null;
}

let seq = 0;

/** A reason field and the decision buttons; each button sends its action with the reason. */
function decisionForm(
  label: string,
  actions: { text: string; value: string; className?: string }[],
  extra: HTMLElement | null,
  send: (action: string, reason: string, form: HTMLFormElement) => Promise<void>,
): HTMLFormElement {
  const id = `dsa-reason-${++seq}`;
  const reason = h('input', { id, required: true, maxlength: 1000 });
  const form = h(
    'form',
    { class: 'actions' },
    h('label', { for: id }, label),
    reason,
    extra,
    ...actions.map((a) => h('button', { type: 'submit', value: a.value, class: a.className }, a.text)),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const action = (e.submitter as HTMLButtonElement | null)?.value ?? actions[0]!.value;
    void send(action, reason.value.trim(), form);
  });
  return form;
}

const commentList = (cs: NoticeComment[]) =>
  h('ul', {}, ...cs.map((c) => h('li', {}, h('strong', {}, c.authorName), ` (${c.status}): `, c.body)));

/**
 * The DSA desk on the moderation page: the notice queue (trusted flaggers first, tagged) and the
 * appeals queue, each with its decision. Everything readers wrote is set as text.
 */
export class DsaPanel {
  private readonly panel = byId('dsa');

  constructor(
    private readonly api: Api,
    private readonly say: (message: string) => void,
  ) {
    byId('dsa-refresh').addEventListener('click', () => void this.refresh());
  }

  async show(): Promise<void> {
    this.panel.hidden = false;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      const [notices, appeals] = await Promise.all([
        this.api.siteCall<{ items: Notice[] }>('GET', 'moderation/notices'),
        this.api.siteCall<{ items: Appeal[] }>('GET', 'moderation/appeals'),
      ]);
      byId('notices').replaceChildren(...notices.items.map((n) => this.notice(n)));
      byId('appeals').replaceChildren(...appeals.items.map((a) => this.appeal(a)));
      if (notices.items.length === 0) byId('notices').append(h('li', { class: 'meta' }, 'No open notices.'));
      if (appeals.items.length === 0) byId('appeals').append(h('li', { class: 'meta' }, 'No open appeals.'));
    } catch (err) {
      // A site with the DSA features off has no queues to show.
      this.panel.hidden = (err as { code?: string }).code === 'dsa_disabled';
      if (!this.panel.hidden) this.say(`Could not read the DSA queues: ${(err as Error).message}`);
    }
  }

  private notice(n: Notice): HTMLElement {
    const manifestId = `dsa-manifest-${++seq}`;
    const manifest = h('input', { type: 'checkbox', id: manifestId });
    return h(
      'li',
      { class: 'item', 'data-id': n.id },
      h(
        'p',
        {},
        n.trusted ? h('span', { class: 'badge' }, 'Trusted flagger') : null,
        ' ',
        h('strong', {}, n.reference),
        ` · ${n.category} · from ${n.notifier.name}${n.notifier.email ? ` <${n.notifier.email}>` : ''} · ${when(n.createdAt)}`,
      ),
      h('p', {}, n.explanation),
      commentList(n.comments),
      decisionForm(
        `Reasons for ${n.reference}`,
        [
          { text: 'Remove the comments', value: 'remove', className: 'reject' },
          { text: 'No action', value: 'no_action' },
        ],
        h('label', { for: manifestId, class: 'check' }, manifest, ' manifestly illegal / manifestly unfounded'),
        async (action, reason) => {
          try {
            await this.api.siteCall('POST', `moderation/notices/${n.id}/decision`, {
              action,
              reason,
              manifest: manifest.checked,
            });
            this.say(`Notice ${n.reference} decided; the notifier is told.`);
            await this.refresh();
          } catch (err) {
            this.say(`Could not decide ${n.reference}: ${(err as Error).message}`);
          }
        },
      ),
    );
  }

  private appeal(a: Appeal): HTMLElement {
    const what = a.statement
      ? h('p', {}, `Decision appealed: ${a.statement.decision} ${a.statement.facts} (${a.statement.groundDetail})`)
      : a.notice
        ? h(
            'div',
            {},
            h(
              'p',
              {},
              `Notice ${a.notice.reference} (${a.notice.category}): no action. ${a.notice.decisionReason ?? ''}`,
            ),
            commentList(a.notice.comments),
          )
        : null;
    return h(
      'li',
      { class: 'item', 'data-id': a.id },
      h(
        'p',
        {},
        h('strong', {}, a.appellant === 'author' ? "Author's appeal" : "Notifier's appeal"),
        ` · ${when(a.createdAt)}`,
      ),
      h('p', {}, a.explanation),
      what,
      decisionForm(
        'Reasons for the outcome',
        [
          { text: 'Reverse', value: 'reversed' },
          { text: 'Uphold', value: 'upheld', className: 'reject' },
        ],
        null,
        async (outcome, reason) => {
          try {
            await this.api.siteCall('POST', `moderation/appeals/${a.id}/decision`, { outcome, reason });
            this.say(`Appeal ${outcome}; the appellant is told.`);
            await this.refresh();
          } catch (err) {
            this.say(`Could not decide the appeal: ${(err as Error).message}`);
          }
        },
      ),
    );
  }
}
