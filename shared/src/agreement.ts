/**
 * How well a score agrees with moderators' decisions (label 1: rejected): ROC AUC (ties averaged;
 * null while one label is missing) and precision and recall of "score ≥ threshold" as a rejection.
 */
export interface Agreement {
  n: number;
  rejected: number;
  auc: number | null;
  /** Of the comments at or above the threshold, the share moderators rejected (null: none there). */
  precision: number | null;
  /** Of the comments moderators rejected, the share at or above the threshold (null: none rejected). */
  recall: number | null;
}

export function agreement(pairs: { score: number; label: 0 | 1 }[], threshold: number): Agreement {
  const n = pairs.length;
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && sorted[j + 1]!.score === sorted[i]!.score) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (sorted[k]!.label === 1) {
        pos++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  let flagged = 0;
  let hits = 0;
  for (const p of pairs) {
    if (p.score < threshold) continue;
    flagged++;
    hits += p.label;
  }
  return {
    n,
    rejected: pos,
    auc: pos === 0 || neg === 0 ? null : (rankSum - (pos * (pos + 1)) / 2) / (pos * neg),
    precision: flagged === 0 ? null : hits / flagged,
    recall: pos === 0 ? null : hits / pos,
  };
}
