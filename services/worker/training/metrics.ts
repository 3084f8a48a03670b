/** ROC AUC by ranks (ties get their average rank). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (labels[order[k]!] === 1) {
        pos++;
        rankSum += avg;
      }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface Confusion {
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  fpr: number;
  f1: number;
}

/** Counts at `score ≥ threshold`. */
export function atThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Confusion {
  let tp = 0,
    fp = 0,
    fn = 0,
    tn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i]! >= threshold;
    if (labels[i] === 1) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 1;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    threshold,
    tp,
    fp,
    fn,
    tn,
    precision,
    recall,
    fpr: fp + tn > 0 ? fp / (fp + tn) : 0,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

/** The highest recall with precision ≥ `minPrecision`, and the lowest threshold giving it. */
export function recallAtPrecision(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  minPrecision: number,
): { recall: number; threshold: number } {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pos = order.reduce((s, i) => s + (labels[i] === 1 ? 1 : 0), 0);
  let tp = 0,
    fp = 0;
  let best = { recall: 0, threshold: Infinity };
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    labels[i] === 1 ? tp++ : fp++;
    // Only at the end of a run of equal scores: a threshold cannot split ties.
    if (k + 1 < order.length && scores[order[k + 1]!] === scores[i]) continue;
    if (tp / (tp + fp) >= minPrecision && pos > 0 && tp / pos > best.recall)
      best = { recall: tp / pos, threshold: scores[i]! };
  }
  return best;
}

/** Balanced accuracy at a threshold: the mean of recall on each class. */
export function balancedAccuracy(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): number {
  const c = atThreshold(scores, labels, threshold);
  return (c.recall + (1 - c.fpr)) / 2;
}
