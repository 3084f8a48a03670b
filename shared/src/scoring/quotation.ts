/**
 * Quoted words in a comment: what the phrase readers (`threat-phrases.ts`, `group-phrases.ts`) need to tell
 * a comment's own words from words it reports or rejects. Double quotation marks count wherever they are; single
 * ones only as a pair that opens a word and closes one ('someone should shoot him'), for a single mark inside a
 * word ("don't") or after one ("the lads' cars") is an apostrophe. Quoting alone changes nothing ('"immigrants are
 * vermin" — exactly right' is the writer's view); quoting with a reporting verb before the quotation, or a
 * rejection outside it, does, unless the comment's own words agree with it after all ('they call it "racist"; it is
 * just the truth').
 */

const OPEN = /["“„«]/;
const MARKS = /["“”„«»]/g;
// A quotation in double quotation marks (3 to 300 characters).
const QUOTATION = /["“„«]([^"“”„«»]{3,300})["”»]/g;
// A quotation in single marks: one that opens a word, up to the first one that closes a word (3 to 300 characters).
const SINGLE_OPEN = /(?:^|[\s([:—–])['‘]/;
const SINGLE = /(?<=^|[\s([:—–])['‘](?=\S)((?:(?!['’](?:$|[\s.,!?;:)\]—–-]))[^\n]){3,300}?)['’](?=$|[\s.,!?;:)\]—–-])/g;
// What a comment says of what it quotes, to reject it (not negated: "is not wrong" rejects nothing).
const REJECTS =
  /(?<!\b(?:not|never|isn['’]?t|nothing|hardly|no|me|i['’]?m)\s+(?:\w+\s+)?)\b(?:wrong|disgusting|racist|racism|hateful|hate\s+speech|bigoted|bigotry|not\s+ok(?:ay)?|unacceptable|shameful|appalling|vile|offensive|sexist|homophobic|transphobic|antisemitic|anti-semitic|islamophobic|xenophobic|dehumani[sz]ing|ashamed|stop\s+saying|never\s+say|don['’]?t\s+say|do\s+not\s+say|no\s+one\s+should|nobody\s+should|a\s+lie|false|not\s+true|isn['’]?t\s+true|(?:not|isn['’]?t)\s+a\s+fact|myth|smear|slur|remove\s+(?:it|this|that|them)|report(?:ed)?\s+(?:it|this|that|him|her|them)|condemn\w*|called\s+out|calling\s+out|reported|a\s+threat|incitement|sickening|still\s+(?:up|here|online|allowed)|prejudiced?|(?:shouldn['’]?t|should\s+not|must\s+not)\s+be\s+tolerated|contempt|say\s+that\s+to\s+(?:their|his|her|my|our)\s+faces?)\b/i;
// What a comment says of what it quotes or reports, to agree with it after all ('"racist", they say; the truth
// hurts', 'my uncle always said …, and he was right'), or to mock those who reject it ("snowflakes").
const LABELS =
  '(?:an?\\s+)?(?:racist|bigot(?:ed)?|xenophob(?:e|ic)|homophob(?:e|ic)|transphob(?:e|ic)|islamophob(?:e|ic)|antisemit(?:e|ic)|sexist|nazi|whatever\\s+you\\s+(?:like|want))';
const AGREES = new RegExp(
  `\\b(?:(?:he|she|they|you|it|that|nan|gran|grandad|dad|mum|uncle)(?:\\s+(?:was|were|is|are)|['’]s|['’]re)\\s+(?:so\\s+|absolutely\\s+|dead\\s+|quite\\s+|completely\\s+|100%\\s+)?(?:right|correct|spot\\s+on|bang\\s+on)(?!\\s+(?:to|about|that|when|in|of|for)\\b)|(?:was|is)\\s+(?:he|she|it|that|they)\\s+wrong|(?:he|she|they|it|that)(?:\\s+(?:was|were|is|are)n['’]?t|\\s+(?:was|were|is|are)\\s+not|['’]s\\s+not|['’]re\\s+not)\\s+wrong|(?:had|has|have|got)\\s+a\\s+point(?=\\s*(?:[.!]|$)|,?\\s+(?:though|tbh|really|to\\s+be\\s+fair)\\b)|the\\s+truth\\s+hurts|(?:i|we)\\s+call\\s+(?:it|that|this)\\s+(?:the\\s+truth|common\\s+sense|good\\s+advice|facts?|accurate)|(?:it['’]?s|that['’]?s|is)\\s+(?:just|simply|only)\\s+(?:the\\s+truth|a\\s+fact|facts)|(?:if|because)\\s+it['’]?s\\s+true|not\\s+untrue|pattern\\s+recognition|state\\s+(?:the\\s+)?facts|obvious\\s+to\\s+anyone|(?:only|most|finally\\s+an?)\\s+honest|about\\s+time\\s+someone\\s+said|truer\\s+words|can['’]?t\\s+argue\\s+with\\s+(?:that|it|him|her)|couldn['’]?t\\s+have\\s+(?:put|said)\\s+it\\s+better|nailed\\s+it|hear,?\\s+hear|well\\s+said|(?:and\\s+)?so\\s+do\\s+i|call\\s+me\\s+${LABELS}|(?:i['’]?m|am)\\s+not\\s+${LABELS},?\\s+but|i['’]?m\\s+${LABELS}\\s+then|sorry,?\\s+not\\s+sorry|hope\\s+(?:he|she|they)\\s+did|can\\s+you\\s+blame|knew\\s+(?:exactly\\s+)?what\\s+(?:he|she|they)\\s+(?:was|were)\\s+(?:talking|on)\\s+about|see\\s+what\\s+(?:he|she|they)\\s+meant|(?<!\\bcall\\s+me\\s+a\\s+)snowflakes?|lefties|libtards?|woke\\s+(?:mob|brigade|lot|left)|pc\\s+brigade|virtue[\\s-]+signal\\w*)\\b`,
  'i',
);
// Words the writer puts in others' mouths, just before the quotation: not a report ('they should just be honest and
// say "…"', 'they should have sprayed "…"', 'translation: "…"').
const IMAGINED =
  /(?:\b(?:should|would|could|will|just|really|actually|honest\s+and|might\s+as\s+well)|['’](?:d|ll))\s+(?:just\s+|have\s+)?(?:say|says|said|admit|write|written|put\s+it|spray(?:ed)?|paint(?:ed)?)\b[^"“„«]{0,30}$|\b(?:translation|in\s+other\s+words|what\s+(?:they|he|she)\s+(?:really|actually)\s+mean\w*)\W*$/i;
// The writer's own words again, just before the quotation: not a report ("as I've always said, …", "I repeat: …").
const FIRST_PERSON =
  /\b(?:i|we)(?:['’](?:ve|d|ll|m))?\s+(?:(?:always|often|just|have|had|will|would|did|do|once|also|still|keep|kept)\s+)*(?:said|say|saying|ask|asked|repeat(?:ed)?|call(?:ed)?|write|wrote|tell|told|post(?:ed)?|tweet(?:ed)?|shout(?:ed)?|chant(?:ed)?|text(?:ed)?|messag(?:e|ed))\b[^"“„«]{0,40}["“„«‘']?\s*$|\bquote\s+me\b[^"“„«]{0,20}$|\b(?:as|like)\s+i\b[^"“„«]{0,40}$|\bfinally\s+someone\b[^"“„«]{0,30}$/i;
// A verb that reports someone else's words, just before the quotation.
const REPORTS =
  /\b(?:said|says|say|saying|wrote|writes|write|writing|written|chant(?:s|ed|ing)?|shout(?:s|ed|ing)?|scream(?:s|ed|ing)?|yell(?:s|ed|ing)?|tweet(?:s|ed|ing)?|post(?:s|ed|ing)?|call(?:s|ed|ing)?|messag(?:e|es|ed|ing)|text(?:s|ed|ing)|e-?mail(?:s|ed|ing)?|told|tells|headlines?|headlined|quot(?:e|es|ed|ing)|repeat(?:s|ed|ing)?|word\s+for\s+word|according\s+to|slogan|memes?|graffiti|leaflets?|(?:sprayed|scrawled|painted)|signs?\s+(?:read|reading|said)|(?:the|a|that|this)\s+(?:line|quote|phrase|words|banner|placard|chant|message|tweet|comment|lyrics?)s?|mutter(?:s|ed|ing)|mumbl(?:es|ed|ing)|whisper(?:s|ed|ing)|hiss(?:es|ed|ing)|sneer(?:s|ed|ing)|snarl(?:s|ed|ing)|rant(?:s|ed|ing)|daub(?:s|ed|ing)|(?:your|their|his|her|the|my)\s+argument\s+is)\b[^"“„«]{0,40}$/i;

// A speaker named just after words the comment reports: '"…," Fury said', "'…,' said the villain", "…, says a man
// whose …", "…, the chess prodigy joked".
const SPOKEN_AFTER =
  /^[^.!?]{0,60}?[,"”]\s*["”'’]?\s*(?:[—–-]\s*)?(?:(?:the|a|an|his|her|my|our|their)\s+)?(?:[\w-]+\s+){0,3}?(?:said|says|claims|claimed|joked|jokes|told|tweeted|wrote|shouted|yelled|chanted|added|recalled|testified|quipped|boasted|according\s+to)\b|^[^.!?]{0,60}?(?:[.!?"”]+\s*["”'’]?|\s[—–-])\s*[—–-]?\s*(?:that['’]?s|that\s+is|this\s+is|which\s+is)\s+what\s+(?:[\w'’]+\s+){1,5}?(?:said|says|shouted|yelled|screamed|wrote|written|scrawled|painted|sprayed|posted|printed|chanted|told|tweeted|asked|used\s+to\s+say)\b/i;

/**
 * Whether the words of `text` ending at `end` are followed, in their sentence, by the name of someone else who
 * said them: the phrase readers skip those as reported, with or without quotation marks.
 */
export function spokenByOthers(text: string, end: number): boolean {
  return SPOKEN_AFTER.test(text.slice(end, end + 100));
}

// A quotation answered at once, just after its closing mark ('"… are parasites." No they're not.', '"…" — rubbish.'),
// or dismissed in a sentence of one word just before it ('Gross. "…"'): a "no" that stands alone or denies, not
// "no doubt", "no surprise there".
const ANSWERED_AFTER =
  /^\s*[.!?]*\s*(?:[—–-]\s*)?(?:no(?:pe)?\s*[.!]|no\s*,?\s*(?:they|it|he|she|we|you)(?:['’]re|['’]s|\s+are|\s+is)(?:\s+not|n['’]?t)\b|(?:wrong|rubbish|nonsense|false|untrue|gross|pathetic|shameful|disgraceful|sickening)\s*[.!,])/i;
const DISMISSED_BEFORE =
  /(?:^|[.!?]\s+)(?:no|wrong|rubbish|nonsense|gross|disgusting|shameful|vile|sickening|pathetic)[.!:]\s*$/i;
// Quotations in a row: "… the line that "…" and "…"" (the second is reported as the first is).
const IN_A_ROW = /^\s*(?:,|;|and|or|,\s*(?:and|or))\s*$/i;

// A double mark just after a digit is an inch mark (6'2", a 55" screen), not a quotation's.
const INCH = /(?<=\d)["”]/g;
const HAS_INCH = /\d["”]/;
/** The text with its inch marks replaced by ″ (the same length: offsets stay). */
const withoutInchMarks = (text: string) => (HAS_INCH.test(text) ? text.replace(INCH, '″') : text);

/** The comment's own words, its quotations blanked; the text itself when it quotes nothing. */
function ownWords(original: string): string {
  const text = withoutInchMarks(original);
  const own = OPEN.test(text) ? text.replace(QUOTATION, ' … ') : text;
  return SINGLE_OPEN.test(own) ? own.replace(SINGLE, ' … ') : own;
}

/** Whether a text has a mark that may open a quotation: a first test before reading its quotations. */
export function mayQuote(text: string): boolean {
  return OPEN.test(text) || SINGLE_OPEN.test(text);
}

/** Whether the comment's own words (outside its quotations) agree with what it quotes or reports. */
export function agreesWithWhatItReports(text: string): boolean {
  return AGREES.test(ownWords(text));
}

/** Whether the words just before a statement are the writer's own saying ("as I've always said", "I repeat:"). */
export function saidByTheWriter(before: string): boolean {
  return FIRST_PERSON.test(before);
}

/** The matches of a global regular expression in a text, but for those inside a quotation it reports or rejects. */
export function* ownMatches(re: RegExp, text: string): Generator<RegExpExecArray> {
  let quotations: Quotations | undefined;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    quotations ??= readQuotations(text);
    if (!quotations.distanced(m.index)) yield m;
  }
}

/**
 * The text with the quotations it reports or rejects blanked (" … "): the comment's own words, which the scorer
 * reads alone when the rest is somebody else's (`applyPhrases` in model/comment.ts); null when it quotes nothing so.
 */
export function withoutReportedQuotations(original: string): string | null {
  const text = withoutInchMarks(original);
  const quotations = readQuotations(text);
  if (quotations === NONE) return null;
  const ranges: [number, number][] = [];
  for (const re of [QUOTATION, SINGLE]) {
    for (const m of text.matchAll(re)) {
      // Just inside the opening mark: an offset the quotation holds.
      if (quotations.distanced(m.index + 1)) ranges.push([m.index, m.index + m[0].length]);
    }
  }
  if (ranges.length === 0) return null;
  ranges.sort((a, b) => a[0] - b[0]);
  let own = '';
  let at = 0;
  for (const [from, to] of ranges) {
    if (from < at) continue; // inside one already blanked
    own += `${text.slice(at, from)} … `;
    at = to;
  }
  return own + text.slice(at);
}

/** A comment's quotations, read once: whether an offset lies in one the comment reports or rejects. */
interface Quotations {
  distanced(offset: number): boolean;
}

const NONE: Quotations = { distanced: () => false };

/**
 * Reads a comment's double quotation marks once (a comment's matches are many, its marks few). An offset is
 * in somebody else's words when an odd number of marks come before it and the quotation it is in is reported
 * (a reporting verb just before its opening mark, neither the writer's own saying nor words put in others' mouths)
 * or the comment rejects a quotation in its own words, and its own words do not agree with what it quotes.
 */
function readQuotations(original: string): Quotations {
  const text = withoutInchMarks(original);
  const doubles = OPEN.test(text);
  const singles: [number, number][] = [];
  if (SINGLE_OPEN.test(text)) for (const m of text.matchAll(SINGLE)) singles.push([m.index, m.index + m[0].length]);
  if (!doubles && singles.length === 0) return NONE;
  const marks: number[] = [];
  if (doubles) for (const m of text.matchAll(MARKS)) marks.push(m.index);
  // The comment's own words, read once and only for a quotation not reported just before it: whether they reject
  // what it quotes ("… is racist"), then, only for a quotation so distanced, whether they agree with it after all.
  let own: string | undefined;
  let rejects: boolean | undefined;
  let agrees: boolean | undefined;
  const distancedQuotation = (opened: number, closed: number) => {
    const before = text.slice(Math.max(0, opened - 60), opened);
    const reported =
      (REPORTS.test(before) && !IMAGINED.test(before) && !FIRST_PERSON.test(before)) ||
      DISMISSED_BEFORE.test(before) ||
      ANSWERED_AFTER.test(text.slice(closed + 1, closed + 60));
    if (!reported) {
      own ??= ownWords(text);
      rejects ??= own !== text && REJECTS.test(own);
      if (!rejects) return false;
    }
    own ??= ownWords(text);
    agrees ??= AGREES.test(own);
    return !agrees;
  };
  /** The double quotation opened by mark `k` is distanced, or the one before it in a row ("… "…" and "…""). */
  const inRow = (k: number): boolean =>
    distancedQuotation(marks[k]!, marks[k + 1] ?? text.length) ||
    (k >= 2 && IN_A_ROW.test(text.slice(marks[k - 1]! + 1, marks[k]!)) && inRow(k - 2));
  return {
    distanced(offset) {
      const single = singles.find(([open, close]) => open < offset && offset < close);
      if (single) return distancedQuotation(single[0], single[1] - 1);
      // Marks before the offset (binary search).
      let lo = 0;
      let hi = marks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (marks[mid]! < offset) lo = mid + 1;
        else hi = mid;
      }
      if (lo % 2 === 0) return false;
      return inRow(lo - 1);
    },
  };
}
