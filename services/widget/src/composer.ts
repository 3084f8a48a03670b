import { h } from './dom.js';
import type { Translate } from './i18n.js';

let seq = 0;

export interface ComposerOptions {
  t: Translate;
  maxLength: number;
  label: string;
  submitText: string;
  /**
   * Whether the site would hold the text (think before you post); a failure must resolve false: the prompt
   * never blocks posting.
   */
  check?(text: string): Promise<boolean>;
  /** Sends the text; resolves when accepted, rejects with a message to show. `prompted`: what the reader did after a prompt. */
  send(text: string, idempotencyKey: string, prompted?: Prompted): Promise<void>;
  onCancel?: () => void;
  /** Text the box starts with (an edit). */
  initial?: string;
  /**
   * Where the box keeps what the reader has typed and not sent: a box drawn again (after signing in again, or a
   * reply box opened again) starts with it, so no redraw loses a draft. Emptied once the text is sent.
   */
  draft?: { get(): string; set(text: string): void };
}

export type Prompted = 'edited' | 'unchanged';

const length = (s: string) => [...s.trim()].length;

/**
 * A comment box: labelled textarea, a live character counter, submit (and cancel for
 * replies). The idempotency key stays the same while the text does, so a retry after a
 * network error cannot post twice.
 */
export function composer(o: ComposerOptions): { el: HTMLFormElement; focus(): void } {
  const id = `c-text-${++seq}`;
  const counterId = `${id}-count`;
  const { t } = o;
  const textarea = h('textarea', { id, name: 'body', rows: 4, 'aria-describedby': counterId, required: true });
  const counter = h('span', { id: counterId, class: 'counter' });
  const submit = h('button', { type: 'submit', class: 'primary' }, o.submitText);
  const error = h('p', { class: 'error', role: 'alert' });
  let key = newKey();
  let lastText = '';
  if (o.initial) textarea.value = o.initial;
  else if (o.draft) textarea.value = o.draft.get();
  /** The text the reader was told "may be held" about (one prompt per draft: it never blocks). */
  let promptedText: string | null = null;
  const edit = h('button', { type: 'button' }, t('editIt'));
  const anyway = h('button', { type: 'button' }, t('postAnyway'));
  const prompt = h('div', { class: 'prompt', role: 'alert', hidden: true }, h('p', {}, t('mayBeHeld')), edit, anyway);

  let sending = false;
  let checking = false;
  // One message at a time, always about the text as it is now: typing clears "write something first",
  // and over-length is said in words (not only by the counter) with Post disabled until it fits.
  const update = () => {
    const n = length(textarea.value);
    const over = n - o.maxLength;
    counter.textContent = over > 0 ? t('charsOver', { n: over }) : t('charsLeft', { n: o.maxLength - n });
    counter.classList.toggle('over', over > 0);
    textarea.setAttribute('aria-invalid', String(over > 0));
    if (over > 0) error.textContent = t('err_too_long', { n: o.maxLength });
    else if (error.dataset.kind !== 'send') error.textContent = '';
    if (!sending) submit.disabled = over > 0;
  };
  const say = (text: string, kind: 'check' | 'send') => {
    error.textContent = text;
    error.dataset.kind = kind;
  };
  textarea.addEventListener('input', () => {
    o.draft?.set(textarea.value);
    delete error.dataset.kind;
    prompt.hidden = true;
    update();
    if (textarea.value !== lastText) key = newKey();
  });

  const form = h(
    'form',
    { class: 'composer', novalidate: true },
    h('label', { for: id }, o.label),
    textarea,
    h(
      'div',
      { class: 'row' },
      counter,
      o.onCancel
        ? h(
            'button',
            {
              type: 'button',
              // Cancelled: the reader let the text go.
              onclick: () => {
                o.draft?.set('');
                o.onCancel?.();
              },
            },
            t('cancel'),
          )
        : null,
      submit,
    ),
    prompt,
    error,
  );
  edit.addEventListener('click', () => {
    prompt.hidden = true;
    textarea.focus();
  });
  anyway.addEventListener('click', () => {
    prompt.hidden = true;
    void post(textarea.value);
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    // Ctrl+Enter submits even while the button is disabled: one comment (or one check) at a time.
    if (sending || checking) return;
    const text = textarea.value;
    if (length(text) === 0) {
      say(t('err_empty'), 'check');
      textarea.focus();
      return;
    }
    if (length(text) > o.maxLength) {
      textarea.focus();
      return;
    }
    say('', 'check');
    if (o.check && promptedText === null) {
      submit.disabled = true;
      checking = true;
      const held = await o.check(text.trim()).finally(() => {
        checking = false;
      });
      submit.disabled = false;
      if (held) {
        promptedText = text.trim();
        prompt.hidden = false;
        return;
      }
    }
    await post(text);
  });
  const post = async (text: string) => {
    if (sending) return;
    sending = true;
    submit.disabled = true;
    submit.textContent = t('posting');
    lastText = text;
    try {
      const prompted: Prompted | undefined =
        promptedText === null ? undefined : promptedText === text.trim() ? 'unchanged' : 'edited';
      await o.send(text.trim(), key, prompted);
      textarea.value = '';
      o.draft?.set('');
      key = newKey();
      promptedText = null;
      delete error.dataset.kind;
    } catch (err) {
      say((err as Error).message, 'send');
    } finally {
      sending = false;
      submit.textContent = o.submitText;
      update();
      // Disabling the button dropped the focus: keep the reader in the box (a no-op once a reply box closed).
      if (textarea.isConnected) textarea.focus();
    }
  };
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  update();
  return { el: form, focus: () => textarea.focus() };
}

function newKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
