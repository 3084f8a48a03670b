/**
 * Two scorers timed against each other: rounds over the same texts, in this one process, the two in turn and the
 * order swapped every round. On a shared machine whose speed moves by a fifth within the hour, only such pairs
 * compare two builds; each round is this process's CPU time, and the best round is the closest to an idle core.
 */

export interface RoundFigures {
  /** Microseconds of CPU time per text: the best round and the median one. */
  minMicros: number;
  medianMicros: number;
}

/** CPU time used by this process so far, in microseconds (user + system). */
const processCpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

export function alternatingRounds(
  scorers: readonly ((text: string) => unknown)[],
  texts: readonly string[],
  rounds: number,
  cpuMicros: () => number = processCpuMicros,
): RoundFigures[] {
  if (texts.length === 0 || rounds < 1) throw new Error('alternating rounds need texts and at least one round');
  for (const f of scorers) for (const t of texts) f(t); // warm up: compiled code and caches for every scorer
  const perText: number[][] = scorers.map(() => []);
  const order = scorers.map((_, i) => i);
  for (let r = 0; r < rounds; r++) {
    for (const i of r % 2 === 0 ? order : [...order].reverse()) {
      const f = scorers[i]!;
      const started = cpuMicros();
      for (const t of texts) f(t);
      perText[i]!.push((cpuMicros() - started) / texts.length);
    }
  }
  return perText.map((xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { minMicros: sorted[0]!, medianMicros: sorted[Math.floor((sorted.length - 1) / 2)]! };
  });
}
