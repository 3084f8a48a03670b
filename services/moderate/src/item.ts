import type { QueueItem, QueueName, Reason } from './types.js';
import { day, h, safeLink, when } from './dom.js';
import { highlighted } from './highlight.js';

const REPORT_LABEL: Record<string, string> = { spam: 'spam', abuse: 'abuse', off_topic: 'off topic', other: 'other' };

/** A severe comment's text, blurred and out of reach (inert) until its Reveal button is pressed. */
export function blurred(body: HTMLElement): HTMLElement {
  body.classList.add('blurred');
  body.inert = true;
  return h(
    'div',
    { class: 'severe' },
    h('p', { class: 'severe-note' }, 'Possibly distressing: scored above the site’s level. '),
    h('button', { type: 'button', 'data-act': 'reveal', 'aria-expanded': 'false' }, 'Reveal the text'),
    body,
  );
}

/** A scorer's reason states its score in its detail ("TOXICITY 0.91 ≥ hold threshold 0.8"): print it once. */
function scoreNotInDetail(r: Reason): r is Reason & { score: number } {
  return r.score !== undefined && !r.detail.includes(r.score.toFixed(2));
}

/** One comment of a queue, with everything needed to decide on it and its action buttons. */
export function renderItem(item: QueueItem, queue: QueueName, selected: boolean): HTMLLIElement {
  const a = item.author;
  const standing = a.status === 'suspended' && a.suspendedUntil ? `suspended until ${day(a.suspendedUntil)}` : a.status;
  const approveLabel = item.status === 'approved' ? 'Keep' : 'Approve';
  const li = h(
    'li',
    { class: 'item', 'data-id': item.id, tabindex: -1, 'aria-label': `Comment by ${a.name}` },
    h(
      'div',
      { class: 'item-head' },
      h('input', {
        type: 'checkbox',
        class: 'select',
        'aria-label': `Select the comment by ${a.name}`,
        checked: selected,
      }),
      h('button', { type: 'button', class: 'author link', 'data-act': 'history', title: 'Reader history (h)' }, a.name),
      h(
        'span',
        { class: 'meta' },
        `joined ${day(a.joinedAt)} · ${a.approvedCount} approved · ${a.rejectedCount} rejected`,
      ),
      a.status !== 'active' ? h('span', { class: `badge ${a.status}` }, standing) : null,
      a.premod ? h('span', { class: 'badge premod' }, 'pre-moderated') : null,
      h('time', { class: 'when', datetime: item.createdAt }, when(item.createdAt)),
      item.editedAt ? h('span', { class: 'badge' }, 'edited') : null,
    ),
    h('div', { class: 'post' }, 'on ', safeLink(item.post.url, item.post.title)),
    item.parent
      ? h(
          'blockquote',
          { class: 'parent' },
          h('span', { class: 'meta' }, `in reply to ${item.parent.authorName}: `),
          // A severe parent is blurred under its reply as it is in its own place.
          item.parent.severe ? blurred(h('span', {}, item.parent.excerpt)) : item.parent.excerpt,
        )
      : null,
    item.severe ? blurred(highlighted(item.body, item.reasons)) : highlighted(item.body, item.reasons),
    item.reasons.length
      ? h(
          'ul',
          { class: 'reasons', 'aria-label': 'Why it is here' },
          ...item.reasons.map((r) =>
            h(
              'li',
              {},
              h('strong', {}, r.rule),
              ` ${r.detail}`,
              scoreNotInDetail(r) ? h('span', { class: 'score' }, ` ${r.score.toFixed(2)}`) : null,
            ),
          ),
        )
      : null,
    item.reports.length
      ? h(
          'ul',
          { class: 'reports', 'aria-label': `${item.openReports} reader reports` },
          ...item.reports.map((r) =>
            h(
              'li',
              {},
              h('strong', {}, REPORT_LABEL[r.reason] ?? r.reason),
              ` by ${r.reporter.name}`,
              r.note ? `: “${r.note}”` : '',
              r.resolvedAt ? h('span', { class: 'meta' }, ' (closed by a decision)') : null,
            ),
          ),
        )
      : null,
    h(
      'div',
      { class: 'actions' },
      item.status !== 'approved' || queue === 'reported' || (queue === 'review' && item.openReports > 0)
        ? h('button', { type: 'button', class: 'approve', 'data-act': 'approve' }, approveLabel, ' ', h('kbd', {}, 'a'))
        : null,
      item.status !== 'rejected'
        ? h('button', { type: 'button', class: 'reject', 'data-act': 'reject' }, 'Reject ', h('kbd', {}, 'r'))
        : null,
      a.status !== 'banned'
        ? h('button', { type: 'button', class: 'ban', 'data-act': 'ban' }, 'Ban author ', h('kbd', {}, 'b'))
        : null,
      // An approved comment may be featured at the top of its thread (an Editors' pick).
      item.status === 'approved'
        ? h(
            'button',
            { type: 'button', class: 'feature', 'data-act': 'feature', 'aria-pressed': String(item.featured) },
            item.featured ? 'Editors’ pick ✓' : 'Feature',
          )
        : null,
    ),
  );
  return li;
}
