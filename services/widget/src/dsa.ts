import { h } from './dom.js';
import { ApiError, type Statement } from './api.js';
import { errorText } from './messages.js';
import type { Translate } from './i18n.js';

export interface NoticeCategory {
  id: string;
  label: string;
}
let seq = 0;

/** One form in a comment's slot: fields, Cancel/Send, an alert line; Escape cancels, focus returns to `button`. */
function slotForm(o: {
  t: Translate;
  slot: HTMLElement;
  button: HTMLButtonElement;
  title: string;
  fields: (HTMLElement | null)[];
  submitText: string;
  /** Checks and sends; resolves with the message shown instead of the form, or throws one for the alert. */
  submit(): Promise<string>;
}): void {
  const n = ++seq;
  const close = () => {
    o.slot.replaceChildren();
    o.button.setAttribute('aria-expanded', 'false');
    o.button.focus();
  };
  const status = h('p', { class: 'error', role: 'alert' });
  const send = h('button', { type: 'submit', class: 'primary' }, o.submitText);
  const form = h(
    'form',
    { class: 'menu box', 'aria-labelledby': `c-f${n}` },
    h('h3', { id: `c-f${n}` }, o.title),
    ...o.fields,
    h('div', { class: 'row' }, h('button', { type: 'button', onclick: close }, o.t('cancel')), send),
    status,
  );
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.textContent = '';
    send.disabled = true;
    try {
      const done = h('p', { class: 'status', role: 'status', tabindex: -1 }, await o.submit());
      form.replaceChildren(done);
      done.focus();
    } catch (err) {
      status.textContent = (err as Error).message;
      send.disabled = false;
    }
  });
  o.slot.replaceChildren(form);
  o.button.setAttribute('aria-expanded', 'true');
  form.querySelector<HTMLElement>('select,textarea,input')?.focus();
}

const field = (id: string, label: string, input: HTMLElement) => [h('label', { for: id }, label), input];

/**
 * The notice of illegal content (DSA Art. 16) about one comment: category, explanation, name and
 * address (asked only when signed out; a signed-in reader's account supplies them), good faith.
 */
export function openNoticeForm(o: {
  t: Translate;
  slot: HTMLElement;
  button: HTMLButtonElement;
  categories: NoticeCategory[];
  signedIn: boolean;
  send(body: object): Promise<{ notice: { reference: string } }>;
}): void {
  const { t } = o;
  const p = `c-n${++seq}`;
  const category = h(
    'select',
    { id: `${p}-c`, required: true },
    h('option', { value: '' }, t('noticeChoose')),
    ...o.categories.map((c) => h('option', { value: c.id }, c.label)),
  );
  const why = h('textarea', { id: `${p}-w`, required: true, minlength: 10, maxlength: 5000 });
  const name = h('input', { type: 'text', id: `${p}-n`, required: true, maxlength: 200, autocomplete: 'name' });
  const email = h('input', { type: 'email', id: `${p}-e`, required: true, maxlength: 254, autocomplete: 'email' });
  const faith = h('input', { type: 'checkbox', id: `${p}-f`, required: true });
  slotForm({
    ...o,
    title: t('noticeTitle'),
    submitText: t('noticeSend'),
    fields: [
      ...field(category.id, t('noticeCategory'), category),
      ...field(why.id, t('noticeWhy'), why),
      ...(o.signedIn ? [] : [...field(name.id, t('noticeName'), name), ...field(email.id, t('noticeEmail'), email)]),
      h('label', { for: faith.id }, faith, t('noticeFaith')),
    ],
    async submit() {
      try {
        const res = await o.send({
          category: category.value,
          explanation: why.value,
          ...(o.signedIn ? {} : { name: name.value, email: email.value }),
          goodFaith: faith.checked,
          comments: [o.button.dataset.id],
        });
        o.button.disabled = true;
        return t('noticeSent', { ref: res.notice.reference });
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          o.button.disabled = true;
          return t('alreadyReported');
        }
        throw new Error(errorText(t, err));
      }
    },
  });
}

const yesNo = (t: Translate, b: boolean) => t(b ? 'yes' : 'no');

/**
 * A statement of reasons (DSA Art. 17) under the author's own held or removed comment, and the
 * Appeal button (Art. 20) while the six months run and no appeal was made.
 */
export function statementBlock(o: {
  t: Translate;
  s: Statement;
  appeal(explanation: string): Promise<unknown>;
}): HTMLElement {
  const { t, s } = o;
  const slot = h('div', { class: 'slot' });
  const button = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false' }, t('appeal'));
  button.addEventListener('click', () => {
    const text = h('textarea', { id: `c-a${++seq}`, required: true, maxlength: 5000 });
    slotForm({
      t,
      slot,
      button,
      title: t('appealTitle'),
      submitText: t('appealSend'),
      fields: field(text.id, t('appealWhy'), text),
      async submit() {
        try {
          await o.appeal(text.value);
          button.hidden = true;
          return t('appealSent');
        } catch (err) {
          throw new Error(errorText(t, err));
        }
      },
    });
  });
  const open = !s.appeal && !s.reversedAt && Date.parse(s.appealUntil) > Date.now();
  const dl = h('dl', {});
  for (const [k, v] of [
    [t('sorDecision'), s.decision],
    [t('sorFacts'), s.facts],
    [t('sorGround'), s.groundDetail],
    [t('sorAutomated'), `${yesNo(t, s.automatedDetection)} / ${yesNo(t, s.automatedDecision)}`],
    [t('sorRedress'), s.redress],
  ] as const)
    dl.append(h('dt', {}, k), h('dd', {}, v));
  return h(
    'details',
    { class: 'sor' },
    h('summary', {}, t('sorTitle')),
    dl,
    s.appeal ? h('p', { class: 'note' }, t(`appeal_${s.appeal.status}`)) : null,
    open ? button : null,
    slot,
  );
}
