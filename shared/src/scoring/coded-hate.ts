import { ownShapeMatches, type PhraseSpan } from './shapes.js';

/**
 * Coded hate: the words a hateful comment uses so that a filter of slurs and insults passes it — dog whistles
 * ("(((they)))", "13/50", "the goyim know", "the kalergi plan", "rootless cosmopolitans"), names that mock a group
 * ("alphabet people", "culture enrichers", "Londonistan", "rapefugees", "troons") and slurs the lexicon does not
 * list ("towelheads", "muzzies"). A bag of words has seen few of them: they are new, rare, or spelled to look
 * harmless. Each is read in a form that has no common sense in news text; words that are coded only in some mouths
 * ("globalists", "urban youth", "those people", "religion of peace", "joggers", "shekels", "happy merchants") are
 * left to the model and to moderators, and terms with an everyday sense are read only in their coded form ("ZOG" in
 * capitals, not King Zog; "the kalergi plan", not the prize; "13/50" not after "scored").
 *
 * A term is not read where the comment quotes it to report or reject it (`quotation.ts`), puts it alone in
 * quotation marks ('"culture enrichers" is a sneer'), names it as a term ("the dog whistle 13/50", "people
 * calling her a diversity hire") or, in the same sentence, calls it a conspiracy theory, a myth, racist or a slur.
 */

const W = '\\s+';

const TERMS = [
  // an echo: a name or a word in triple parentheses marks it as Jewish (not "(((hugs)))")
  `\\(\\(\\((?!\\s*(?:hugs?|love|prayers?|cuddles?|kisses|congrat\\w*|cheers|applause|thanks?|echo)\\b)[^()\\s][^()\\n]{0,39}\\)\\)\\)`,
  // numbers: a crime statistic, the white-supremacist slogan and its salute
  // not a mark ("got 13/50 on his mock")
  `(?<!\\b(?:got|get|gets|scored|score|scores|mark|marks|only|just)\\s+)\\b13\\s*/\\s*50\\b(?!${W}(?:on|in|for)\\b)`,
  `\\b13${W}?%${W}(?:of${W}the${W}population${W})?(?:commit|commits|do|does|are|cause|causes)${W}(?:\\w+${W})?50${W}?%`,
  `\\b14\\s*/\\s*88\\b`,
  // 1488 said alone, not a year, a price or a count ("in 1488", "(1488)", "£1488", "1488 people")
  `(?<![£$€#(]|\\b(?:in|since|year|of|circa|c\\.|from|to|by|until|after|before)\\s+)\\b1488(?=\\s*$|\\s*[.!,;:)])`,
  `\\bthe${W}(?:fourteen|14)${W}words(?=\\s*$|\\s*[.!,;:])`,
  // "he dindu nuffin": mocking Black victims of police violence
  `\\bdindus?(?:${W}nuf+in)?\\b`,
  // antisemitic code
  `\\b(?:the${W})?goyim${W}know\\b`,
  `\\brootless${W}cosmopolitans?\\b`,
  `\\bkalergi${W}plan\\b`,
  `\\bzionist${W}occupied${W}government\\b`,
  // conspiracy slogans, unless the sentence calls them one
  `\\bwhite${W}genocide\\b`,
  `\\bgreat${W}replacement\\b(?!${W}of\\b)`,
  // names that mock a group
  `\\b(?:londonistan|londonstan|eurabia|dearbornistan)\\b`,
  `\\bcultur(?:e|al)${W}enrichers?\\b`,
  // not Alphabet's staff ("some alphabet people who left for openai")
  `(?<!\\b(?:some|former|ex|ex-|the)${W})\\balphabet${W}(?:people|mafia|crowd|brigade|soup${W}(?:people|crowd|brigade|mafia))\\b(?!${W}(?:who${W}(?:left|work|worked|joined)|at|from|employees|staff|engineers|execs)\\b)`,
  `\\banchor${W}bab(?:y|ies)\\b`,
  `\\brapefugees?\\b`,
  `\\bremove${W}kebab\\b(?!${W}(?:shops?|vans?|stalls?|houses?|from)\\b)`,
  `\\bcreeping${W}sharia\\b|\\bstealth${W}jihad\\b`,
  `\\bwelfare${W}queens?\\b`,
  `\\bglobohomo\\b`,
  // the plural only: Troon is a town
  `\\btroons\\b`,
  // a person said to hold a post for a group they belong to
  `\\b(?:diversity|dei|affirmative[\\s-]+action)${W}(?:hire|appointment|pick|appointee)\\b(?!s)`,
  // slurs the lexicon does not list
  `\\btowel\\s*heads?\\b`,
  `\\bmuzz(?:ie|ies|rats?)\\b|\\bmudslimes?\\b|\\bpisslam\\b`,
  `\\bshit\\s*skins?\\b`,
  `\\bnig\\s*nogs?\\b`,
  `\\bmoon\\s*crickets?\\b`,
].join('|');
const CODED = new RegExp(TERMS, 'gi');
/** In capitals only: "ZOG", not King Zog or the children's book. */
const CODED_CASED = /\bZOG\b/g;
/** Both, read in order of place, one match where they overlap. */
const CODED_RES = [CODED, CODED_CASED];

/** A cheap test before the terms: a character or a word at least one of them has. */
const MAY_BE_CODED =
  /\(\(\(|ZOG|\b(?:13|14|1488|fourteen|dindus?|goyim|rootless|kalergi|zionist|white\s+genocide|great\s+replacement|londonistan|londonstan|dearbornistan|eurabia|enrichers?|alphabet|anchor|rapefugees?|kebab|sharia|jihad|welfare|globohomo|troons|diversity|dei|affirmative|towel\w*|muzz\w+|mudslimes?|pisslam|shit\s*skins?|nig\s*nogs?|moon\s*crickets?)\b/i;

/** Words just before a term that name it as a term ("the dog whistle", "people calling her a …"). */
const NAMED_BEFORE =
  /\b(?:call|calls|called|calling|term|terms|phrase|phrases|words\s+like|so-called|dog\s*whistles?|slurs?|memes?|such\s+as|tropes?|means|meaning|say|says|said|saying|using|used|use|uses|chanted|chanting|wrote|posted|tweeted)\b\W+(?:[\w'’]+\W+){0,3}$/i;
/** Words in the same sentence that reject it. */
const REJECTED_IN_SENTENCE =
  /(?<!\b(?:not|never|isn['’]?t|no|nothing)\s+(?:\w+\s+){0,2})\b(?:conspiracy|conspiracies|theory|theories|myths?|racist|racism|antisemitic|anti-semitic|antisemitism|bigoted|bigotry|debunked|tropes?|nonsense|dog\s*whistles?|hateful|offensive|slurs?|far-right|neo-nazis?|nazis?|white\s+supremacists?|extremists?|stereotypes?|smears?|sneers?|jibes?|popularised|popularized|coined)\b/i;

// The term alone in quotation marks ('"culture enrichers" isn't clever'): mentioned, not used.
const OPENS = /["“'‘]\s*$/;
const CLOSES = /^\s*["”'’]/;

const SENTENCE_END = /[.!?\n]/;
const MAX_SPANS = 20;

/** The sentence around a span, at most 200 characters each side: from the last sentence end before it to the first after it. */
function sentenceAround(text: string, start: number, end: number): string {
  const least = Math.max(0, start - 200);
  const most = Math.min(text.length, end + 200);
  let from = start;
  while (from > least && !SENTENCE_END.test(text[from - 1]!)) from--;
  let to = end;
  while (to < most && !SENTENCE_END.test(text[to]!)) to++;
  return `${text.slice(from, start)} ${text.slice(end, to)}`;
}

/** The coded hate terms a comment uses as its own words. */
export function findCodedHate(text: string): PhraseSpan[] {
  if (!MAY_BE_CODED.test(text)) return [];
  const found: PhraseSpan[] = [];
  for (const m of ownShapeMatches(CODED_RES, text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (NAMED_BEFORE.test(text.slice(Math.max(0, start - 40), start))) continue;
    if (OPENS.test(text.slice(Math.max(0, start - 2), start)) && CLOSES.test(text.slice(end, end + 2))) continue;
    if (REJECTED_IN_SENTENCE.test(sentenceAround(text, start, end))) continue;
    found.push({ start, end });
    // Enough to hold the comment and show where: hostile text repeating a term costs no more.
    if (found.length === MAX_SPANS) break;
  }
  return found;
}
