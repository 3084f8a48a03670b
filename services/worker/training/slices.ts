import { mentionsGroup } from '#shared/scoring/group-phrases.js';
import { mayQuote } from '#shared/scoring/quotation.js';
import { atThreshold, rocAuc } from './metrics.js';

/**
 * Slices of labelled real comments that stand for some of the functional suite's categories: the comments that ask
 * a question and name a protected group (hate as questions and good-faith questions about a group), and those that
 * quote something and name one (counter-speech and quoted hate). Sets written to test a category share their
 * writers' register, which a model learns and real comments lack (docs/model-log.md, "A head trained on the written
 * questions"); these slices measure the same categories on what people wrote. A slice is chosen by the text alone,
 * never by the scorer's own readers, so a change to a reader cannot move a comment in or out of it.
 */
export interface Slice {
  id: string;
  description: string;
  includes(text: string): boolean;
}

const QUESTION = /\?/;

export const SLICES: readonly Slice[] = [
  {
    id: 'group-question',
    description: 'asks a question and names a protected group',
    includes: (text) => QUESTION.test(text) && mentionsGroup(text),
  },
  {
    id: 'group-quotation',
    description: 'has quotation marks and names a protected group',
    includes: (text) => mayQuote(text) && mentionsGroup(text),
  },
];

export interface SliceFigures {
  id: string;
  description: string;
  /** Comments in the slice, and how many of them are labelled toxic. */
  n: number;
  positives: number;
  /** ROC AUC in the slice (NaN while a label is missing). */
  auc: number;
  /** Shares held at the threshold: of the toxic comments in the slice (recall), and of the others. */
  heldToxic: number;
  heldCivil: number;
}

/** The figures of some rows' scores and labels, held at `score ≥ threshold`. */
function figuresOf(
  scores: number[],
  labels: number[],
  threshold: number,
): Pick<SliceFigures, 'n' | 'positives' | 'auc' | 'heldToxic' | 'heldCivil'> {
  const c = atThreshold(scores, labels, threshold);
  const positives = c.tp + c.fn;
  const negatives = c.fp + c.tn;
  return {
    n: scores.length,
    positives,
    auc: rocAuc(scores, labels),
    heldToxic: positives > 0 ? c.tp / positives : NaN,
    heldCivil: negatives > 0 ? c.fp / negatives : NaN,
  };
}

/** The figures of every slice for scores of `texts` with their labels (1 = toxic), held at `score ≥ threshold`. */
export function sliceFigures(
  texts: readonly string[],
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): SliceFigures[] {
  return SLICES.map((slice) => {
    const s: number[] = [];
    const l: number[] = [];
    texts.forEach((text, i) => {
      if (!slice.includes(text)) return;
      s.push(scores[i]!);
      l.push(labels[i]!);
    });
    return { id: slice.id, description: slice.description, ...figuresOf(s, l, threshold) };
  });
}

/** A source's figures: what `model:eval` shows per source when its rows name theirs. */
export type SourceFigures = Omit<SliceFigures, 'description'>;

/**
 * The figures of each source of labelled comments (`sources[i]` is row i's), in order of first appearance. On the
 * development split (`model:train --export`) these are in-domain figures: each source's rows were held out of a model
 * that learned from the rest of that source, against the leave-one-source-out run's, where it learned from none of it.
 */
export function sourceFigures(
  sources: readonly string[],
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): SourceFigures[] {
  const rows = new Map<string, { s: number[]; l: number[] }>();
  sources.forEach((source, i) => {
    let r = rows.get(source);
    if (!r) rows.set(source, (r = { s: [], l: [] }));
    r.s.push(scores[i]!);
    r.l.push(labels[i]!);
  });
  return [...rows].map(([id, r]) => ({ id, ...figuresOf(r.s, r.l, threshold) }));
}

/** A table row of figures (`| name | n (toxic) | ROC AUC | toxic held | others held |`), "—" where a figure has no rows. */
export function figuresRow(name: string, f: Omit<SourceFigures, 'id'>): string {
  const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)}%`);
  const auc = Number.isNaN(f.auc) ? '— (one label)' : f.auc.toFixed(4);
  return `| ${name} | ${f.n} (${f.positives}) | ${auc} | ${pct(f.heldToxic)} | ${pct(f.heldCivil)} |`;
}
