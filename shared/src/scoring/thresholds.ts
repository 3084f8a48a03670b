import type { Attribute } from '../settings.js';

export interface Crossing {
  attribute: Attribute;
  score: number;
  threshold: number;
}

/** Attributes at or above their threshold, worst first. */
export function crossed(
  scores: Readonly<Record<string, number>>,
  thresholds: Readonly<Partial<Record<Attribute, number>>>,
): Crossing[] {
  const out: Crossing[] = [];
  for (const [attribute, threshold] of Object.entries(thresholds) as [Attribute, number][]) {
    const score = scores[attribute];
    if (score !== undefined && score >= threshold) out.push({ attribute, score, threshold });
  }
  return out.sort((a, b) => b.score - a.score);
}
