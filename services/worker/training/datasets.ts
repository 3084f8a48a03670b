import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One labelled text: `label` 1 = toxic (offensive, abusive or hateful), 0 = not. */
export interface Example {
  text: string;
  label: 0 | 1;
  source: string;
  /** Finer labels where the dataset has them: a hateful or group-targeted text (identity attack), a targeted insult. */
  identity?: 0 | 1;
  insult?: 0 | 1;
  /** A threat or wish of harm (only the sentences written for training say so). */
  threat?: 0 | 1;
}

/** The six added sets (one JSONL file each, `{"text", "label", "source"}`), by folder. */
export const ADDED_SETS = [
  'wiki_context_toxicity',
  'toxic_spans_cc',
  'implicit_hate',
  'hatexplain',
  'surge_toxicity',
  'toxigen_demos',
] as const;

// HateXplain's anonymisation placeholders (`<user>`, `<number>` …): artefacts like OLID's @USER, not words.
const PLACEHOLDER_RE =
  /<(?:user|number|percent|censored|date|money|time|happy|sad|url|email|phone|hashtag|elongated|repeated|allcaps|emphasis)>/g;

/**
 * One added set. Finer labels where the set's classes say so: implicit_hate and toxigen_demos are about
 * identity groups (hate → identity attack 1, not hate / neutral → 0).
 */
export function readAddedSet(dir: string, name: (typeof ADDED_SETS)[number]): Example[] {
  return readJsonl(join(dir, name, `${name}.jsonl`))
    .map((e) => {
      const text = name === 'hatexplain' ? e.text.replace(PLACEHOLDER_RE, ' ').replace(/ {2,}/g, ' ').trim() : e.text;
      const out: Example = { text, label: e.label, source: name };
      if (name === 'implicit_hate' || name === 'toxigen_demos') out.identity = e.label;
      return out;
    })
    .filter((e) => e.text.length > 0);
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Davidson et al. 2017 (MIT): tweets, `class` 0 hate speech, 1 offensive, 2 neither (majority of
 * crowd raters). Toxic = 0 or 1; identity attack = 0.
 */
export function readDavidson(dir: string): Example[] {
  const rows = parseCsv(readFileSync(join(dir, 'davidson2017', 'labeled_data.csv'), 'utf8'));
  const header = rows[0]!;
  const cls = header.indexOf('class');
  const tweet = header.indexOf('tweet');
  if (cls < 0 || tweet < 0) throw new Error('davidson2017/labeled_data.csv: expected columns class and tweet');
  const out: Example[] = [];
  for (const r of rows.slice(1)) {
    if (r.length <= Math.max(cls, tweet)) continue;
    const c = Number(r[cls]);
    if (c !== 0 && c !== 1 && c !== 2) continue;
    out.push({ text: r[tweet]!, label: c === 2 ? 0 : 1, source: 'davidson', identity: c === 0 ? 1 : 0 });
  }
  return out;
}

/** A TSV field that was written CSV-style: `"…""…"` → `…"…`. */
const unquote = (f: string) =>
  f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f;

/**
 * OLID 2019 training set (Zampieri et al., NAACL 2019): tweets with @USER and URL masked;
 * subtask_a OFF/NOT; subtask_b TIN (targeted insult or threat) / UNT; subtask_c IND / GRP / OTH.
 * Toxic = OFF; insult = TIN aimed at an individual; identity attack = TIN aimed at a group.
 */
export function readOlid(dir: string): Example[] {
  const lines = readFileSync(join(dir, 'olid2019', 'olid-training-v1.0.tsv'), 'utf8').split(/\r?\n/);
  const header = lines[0]!.split('\t');
  const [tw, a, b, c] = ['tweet', 'subtask_a', 'subtask_b', 'subtask_c'].map((h) => header.indexOf(h));
  if (tw! < 0 || a! < 0) throw new Error('olid2019/olid-training-v1.0.tsv: expected columns tweet and subtask_a');
  const out: Example[] = [];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const f = line.split('\t');
    const off = f[a!];
    if (off !== 'OFF' && off !== 'NOT') continue;
    const tin = f[b!] === 'TIN';
    out.push({
      text: unquote(f[tw!] ?? ''),
      label: off === 'OFF' ? 1 : 0,
      source: 'olid',
      insult: tin && f[c!] === 'IND' ? 1 : 0,
      identity: tin && f[c!] === 'GRP' ? 1 : 0,
    });
  }
  return out;
}

/** Reads a JSONL file of `{"text": string, "label": 0 | 1}` lines. */
export function readJsonl(path: string): Example[] {
  const out: Example[] = [];
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const o = JSON.parse(line) as { text?: unknown; label?: unknown; source?: unknown };
    if (typeof o.text !== 'string' || (o.label !== 0 && o.label !== 1))
      throw new Error(`${path}:${i + 1}: expected {"text": string, "label": 0 | 1}`);
    out.push({ text: o.text, label: o.label, source: typeof o.source === 'string' ? o.source : 'jsonl' });
  });
  return out;
}

/** A deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with a seeded PRNG. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * Splits each source and label separately (stratified), in a seeded order: fractions of each group
 * go to the named parts in turn, the rest to the last part.
 */
export function stratifiedSplit(examples: Example[], fractions: number[], seed: number): Example[][] {
  const parts: Example[][] = fractions.map(() => []);
  parts.push([]);
  const groups = new Map<string, Example[]>();
  for (const e of examples) {
    const k = `${e.source}:${e.label}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(e);
  }
  const random = rng(seed);
  for (const k of [...groups.keys()].sort()) {
    const g = shuffle(groups.get(k)!, random);
    let at = 0;
    fractions.forEach((f, p) => {
      const n = Math.round(g.length * f);
      parts[p]!.push(...g.slice(at, at + n));
      at += n;
    });
    parts[fractions.length]!.push(...g.slice(at));
  }
  return parts;
}
