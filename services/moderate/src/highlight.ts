import type { Reason, Span } from './types.js';
import { h } from './dom.js';

/**
 * The spans of the reasons that still match the body (UTF-16 offsets), sorted and merged, so
 * overlapping matches are marked once. A span whose offsets do not fit is looked up by its text.
 */
export function spansOf(body: string, reasons: Reason[]): { start: number; end: number; rules: string[] }[] {
  const found: { start: number; end: number; rule: string }[] = [];
  for (const r of reasons) {
    const s: Span | undefined = r.span;
    if (!s?.text) continue;
    let start = s.start;
    if (!(start >= 0 && s.end <= body.length && body.slice(start, s.end) === s.text)) start = body.indexOf(s.text);
    if (start < 0) continue;
    found.push({ start, end: start + s.text.length, rule: r.rule });
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number; rules: string[] }[] = [];
  for (const f of found) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) {
      last.end = Math.max(last.end, f.end);
      if (!last.rules.includes(f.rule)) last.rules.push(f.rule);
    } else merged.push({ start: f.start, end: f.end, rules: [f.rule] });
  }
  return merged;
}

/** The body as text nodes, with <mark> around what the rules matched. */
export function highlighted(body: string, reasons: Reason[]): HTMLElement {
  const p = h('p', { class: 'body' });
  let at = 0;
  for (const s of spansOf(body, reasons)) {
    if (s.start > at) p.append(body.slice(at, s.start));
    p.append(h('mark', { title: `matched: ${s.rules.join(', ')}` }, body.slice(s.start, s.end)));
    at = s.end;
  }
  if (at < body.length) p.append(body.slice(at));
  return p;
}
