import { h } from './dom.js';
import { ApiError } from './api.js';
import { errorText } from './messages.js';
import type { Key, Translate } from './i18n.js';

const REASONS = ['spam', 'abuse', 'off_topic', 'other'] as const;
export type ReportReason = (typeof REASONS)[number];
let seq = 0;

/**
 * The report menu under a comment: a reason (radio group), an optional note, send/cancel.
 * `send` resolves with the message to show; focus returns to the Report button on close.
 */
export function reportMenu(o: {
  t: Translate;
  send(reason: ReportReason, note: string): Promise<string>;
  close(): void;
}): { el: HTMLElement; focus(): void } {
  const { t } = o;
  const n = ++seq;
  const name = `c-report-${n}`;
  // Nothing is chosen for the reader: a pre-selected reason would be sent by anyone who just clicks Send.
  const radios = REASONS.map((r) => h('input', { type: 'radio', name, value: r, id: `${name}-${r}` }));
  const note = h('input', { type: 'text', id: `${name}-note`, maxlength: 500 });
  const status = h('p', { class: 'error', role: 'alert' });
  const send = h('button', { type: 'submit', class: 'primary' }, t('sendReport'));
  const form = h(
    'form',
    { class: 'menu box' },
    h(
      'fieldset',
      {},
      h('legend', {}, t('reportWhy')),
      ...REASONS.map((r, i) => h('label', { for: `${name}-${r}` }, radios[i]!, t(`reason_${r}` as Key))),
    ),
    h('label', { for: `${name}-note` }, t('reportNote')),
    note,
    h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => o.close() }, t('cancel')), send),
    status,
  );
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') o.close();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = radios.find((r) => r.checked);
    if (!chosen) {
      status.textContent = t('err_reason');
      radios[0]!.focus();
      return;
    }
    const reason = chosen.value as ReportReason;
    status.textContent = '';
    send.disabled = true;
    try {
      const message = await o.send(reason, note.value.trim());
      form.replaceChildren(h('p', { class: 'status', role: 'status', tabindex: -1 }, message));
      (form.firstChild as HTMLElement).focus();
    } catch (err) {
      status.textContent = (err as Error).message;
      send.disabled = false;
    }
  });
  return { el: form, focus: () => radios[0]!.focus() };
}

/**
 * Opens the report menu in a comment's slot: sends `{reason, note?}` (POST /comments/:id/reports),
 * then thanks the reader, or says they already reported it (409); Report is disabled afterwards.
 */
export function openReportMenu(o: {
  t: Translate;
  slot: HTMLElement;
  button: HTMLButtonElement;
  send(body: object): Promise<unknown>;
}): void {
  const { t, slot, button } = o;
  const close = () => {
    slot.replaceChildren();
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  };
  const menu = reportMenu({
    t,
    close,
    send: async (reason, note) => {
      try {
        await o.send(note ? { reason, note } : { reason });
        button.disabled = true;
        return t('reported');
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          button.disabled = true;
          return t('alreadyReported');
        }
        throw new Error(err instanceof ApiError && err.code === 'rate_limited' ? errorText(t, err) : t('reportFailed'));
      }
    },
  });
  slot.replaceChildren(menu.el);
  button.setAttribute('aria-expanded', 'true');
  menu.focus();
}
