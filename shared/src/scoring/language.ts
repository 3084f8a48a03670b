import { identifier } from './language-identifier.js';
import { ARTEFACTS_RE, modelText, wordHash } from './model/features.js';

/**
 * Whether the embedded scorer can read a comment. Its model, lexicon and readers learned English: a comment in
 * another language scores low because they know none of its words, not because it is civil, and must not be
 * published on those scores (`unreadable` in `ScoreResult`: the pipeline holds it unless another scorer read it).
 *
 * Most comments are plainly English and are known by their words alone, as the model reads them (its word hashes):
 * at least `ENGLISH_SHARE` of them are words English uses in nearly every sentence and other languages written in
 * Latin letters seldom do, and more of them than of the other languages' own such words; a comment with fewer of them
 * but nothing of another language (none of its function words, no accented letter) is read too, and so is one with
 * none of them that is mostly capitalised words (names: "Napoli Roma Lazio Fiorentina"). The rest, and any
 * comment with letters of another script, go to a language identifier (`eld`: n-grams of 60 languages;
 * `language-identifier.ts`), and a comment is called another language only when the identifier is sure (a clear
 * first language, well ahead of English; surer still for a comment under `SURE_LETTERS` letters, or one with no sign
 * of another language but the absence of English words) and the comment is long enough to tell (four words and 16
 * letters; eight letters in another script). Slang, tweets and short English replies ("lol", "+1", "trash") stay
 * readable, and a comment of three words in Latin letters in any language is scored as it is (the lexicon and the model
 * still score it).
 */

// English function words, without those that other languages written in Latin letters use as words of their own
// (a, an, as, die, do, for, her, i, in, me, no, on, so, to, was, we, will: Spanish, German, French, Polish, Swedish,
// Danish, Portuguese, Italian, Turkish), as the model's text writes them (lower case, no apostrophes, no accents:
// Swedish "för" reads "for").
const ENGLISH_WORDS =
  `the and of is are were be been being that this these those with from they them their theirs you your yours
  what which who whom whose why how would should could have has had not isnt arent wasnt werent dont doesnt
  didnt wont cant shouldnt wouldnt couldnt its it im ive id my mine he his she hers our ours us but or if than
  then there theres here when where just about all any some can does did very too also only more most much many
  such other into over under again out up down off yes get got like people because thats whats youre theyre
  really think know want need even still never always every one two`.split(/\s+/);

// Function words of the languages most often written in Latin letters under European and other news (German, French,
// Spanish, Italian, Dutch, Polish, Portuguese, Swedish, Danish and Norwegian, Turkish, Romanian, Czech and Slovak,
// Croatian and Serbian, Hungarian, Indonesian and Malay, Tagalog), without those English uses too (a, an, care, con,
// die, do, i, in, is, me, men, met, no, so, son, till, to, van, war…), as the model's text writes them (no accents).
// A comment that has none of them, no accented letter, no letter of another script and an English function word is
// not given to the identifier: English slang and tweets with few English function words end there.
const FOREIGN_WORDS =
  `der das und ist nicht ich du er wir ihr sie ein eine einen dem des mit von auf für sich auch noch nur wie aber
  oder wenn dann schon sind haben wird werden bei nach aus zum zur vom dass kein keine les et est une des du au
  aux que qui pas dans sur avec ce cette sont mais ou je tu il elle nous vous ils elles leur très el los las y
  es un una del al en por para se lo su pero como más está muy él ella gli della che non sono anche questo
  questa io lui lei noi voi loro het een en niet dat te voor zijn maar ook als bij naar er dan nog wel geen ze
  wij jullie hun w na z nie się że jest jak ale co tak po za od dla już są os da dos das não você ele och att
  det som ett är på med inte av om har jag han hon vi så og ikke jeg til ve bir bu için ile çok gibi ama
  daha si nu cu pe sa este mai je se ze jsem ani su ne ali sam és az hogy nem egy yang dan di ini itu tidak
  dengan untuk ada ang ng mga hindi ako de la le e o um uma nos na ao mais mas muito eu seu sua pelo pela di`.split(
    /\s+/,
  );

// Both lists by word hash in one open-addressing table (a word's hash, and 1 for English or 2 for another language,
// side by side; at most a quarter full): every word of every comment is looked up, so it stays a few array reads.
const SLOTS = 2048;
const KIND = new Int32Array(2 * SLOTS);
const ENGLISH = 1;
const FOREIGN = 2;
for (const [list, kind] of [
  [ENGLISH_WORDS, ENGLISH],
  [FOREIGN_WORDS.map(modelText), FOREIGN],
] as const) {
  for (const w of list) {
    const h = wordHash(w) | 0;
    let s = h & (SLOTS - 1);
    while (KIND[2 * s + 1] !== 0 && KIND[2 * s] !== h) s = (s + 1) & (SLOTS - 1);
    if (KIND[2 * s + 1] === 0) KIND.set([h, kind], 2 * s);
  }
}
const kindOf = (hash: number): number => {
  const h = hash | 0;
  for (let s = h & (SLOTS - 1); ; s = (s + 1) & (SLOTS - 1)) {
    const k = KIND[2 * s + 1]!;
    if (k === 0 || KIND[2 * s] === h) return k;
  }
};
// Latin letters with accents, as most other languages written in Latin letters have and English seldom does.
const ACCENTED_RE = /[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]/;
// A letter of a script other than Latin (Greek, Cyrillic, Hebrew, Arabic, the Indic scripts, Thai, Chinese, Japanese,
// Korean…, and letters of no script: mathematical bold and the like).
const OTHER_SCRIPT_RE = /(?!\p{Script=Latin})\p{L}/gu;
/** Whether `text` has a letter of another script; Latin, and so the plain letters of almost every comment, stop before 0x370. */
const otherScript = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x370) continue;
    OTHER_SCRIPT_RE.lastIndex = 0;
    return OTHER_SCRIPT_RE.test(text);
  }
  return false;
};

/** The share of a comment's words that must be English function words for it to be read without the identifier. */
const ENGLISH_SHARE = 0.12;
/** A comment of fewer words is too short to call another language. */
const MIN_WORDS = 4;
/** A comment of fewer letters is too short for the identifier to be trusted… */
const MIN_LETTERS = 16;
/** …or of fewer letters than this in another script (a script narrows the languages down, and a Chinese letter is a word). */
const MIN_LETTERS_OTHER_SCRIPT = 8;
/** The identifier's score for the language it found, at least… */
const MIN_SCORE = 0.7;
/** …and this far ahead of its score for English. */
const MIN_LEAD = 0.1;
/**
 * A comment of fewer letters than this in Latin letters, or one with nothing of another language but the absence of
 * English function words (no other language's function words, no accents), is called another language only on this
 * score and lead: the identifier is asked about more English there (slang, lists of names, a foreign phrase).
 */
const SURE_LETTERS = 24;
const MIN_SCORE_UNSURE = 0.75;
const MIN_LEAD_UNSURE = 0.2;

const WORD_RE = /\p{L}+(?:['’]\p{L}+)*/gu;
const NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

/** A language's English name from its tag ("de" → "German", "fr-CH" → "Swiss French"); the tag when it has none. */
export function languageName(tag: string): string {
  try {
    return NAMES.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export interface Readability {
  /** Whether the embedded scorer reads the comment (English, or too short or too mixed to tell). */
  readable: boolean;
  /** For an unreadable comment: the language it reads as, by its ISO 639-1 code and English name. */
  language?: { code: string; name: string };
}

/** What the check says of a comment it has nothing against. */
export const READABLE: Readability = Object.freeze({ readable: true });

/**
 * Whether the embedded scorer can read `text`, whose words as the model reads them are `words` (their word hashes,
 * `ToxicityModel.words()` after featurising it; computed from the text when not given).
 */
export function readability(text: string, words: ArrayLike<number> = textWords(text)): Readability {
  // Letters of another script go to the identifier whatever their words: the model's text folds look-alike letters
  // into Latin ones ("не" reads as "he"), and Chinese, Japanese and Thai put no spaces between words.
  const other = otherScript(text);
  // Whether the comment reaches the identifier only for lacking English function words.
  let unmarked = false;
  if (!other) {
    if (words.length < MIN_WORDS) return READABLE;
    let english = 0;
    let foreign = 0;
    for (let i = 0; i < words.length; i++) {
      const k = kindOf(words[i]!);
      if (k === ENGLISH) english++;
      else if (k === FOREIGN) foreign++;
    }
    if (english >= ENGLISH_SHARE * words.length && english > foreign) return READABLE;
    if (foreign === 0 && !ACCENTED_RE.test(text)) {
      // An English function word; or names, most words capitalised ("Napoli Roma Lazio Fiorentina"), which the
      // identifier calls by the names' language.
      if (english > 0 || mostlyCapitalised(text)) return READABLE;
      unmarked = true;
    }
  }
  // Seldom reached by English: a comment with few or no English function words.
  // Compatibility forms (fullwidth, mathematical letters) as the letters they stand for; handles, links, hashtags
  // and entities are not language.
  const parts = text.normalize('NFKC').replace(ARTEFACTS_RE, ' ').match(WORD_RE);
  const joined = parts ? parts.join(' ') : '';
  const letters = joined.length - (parts ? parts.length - 1 : 0);
  if (letters < (other ? MIN_LETTERS_OTHER_SCRIPT : MIN_LETTERS)) return READABLE;
  const found = identifier.detect(joined);
  // Mostly letters of another script: no English the scorer could read, whatever the identifier is sure of.
  if (other && (joined.match(OTHER_SCRIPT_RE)?.length ?? 0) > letters / 2)
    return {
      readable: false,
      language: found.language
        ? { code: found.language, name: languageName(found.language) }
        : { code: 'und', name: 'another script' },
    };
  if (!found.language || found.language === 'en' || !found.isReliable()) return READABLE;
  const scores = found.getScores();
  const top = scores[found.language] ?? 0;
  const unsure = !other && (unmarked || letters < SURE_LETTERS);
  if (top < (unsure ? MIN_SCORE_UNSURE : MIN_SCORE) || top - (scores.en ?? 0) < (unsure ? MIN_LEAD_UNSURE : MIN_LEAD))
    return READABLE;
  return { readable: false, language: { code: found.language, name: languageName(found.language) } };
}

const CAPITALISED_RE = /(?<!\p{L})\p{Lu}\p{Ll}/gu;
/** Whether at least half of a text's words begin with a capital and go on in lower case. */
function mostlyCapitalised(text: string): boolean {
  const capitalised = text.match(CAPITALISED_RE)?.length ?? 0;
  return capitalised > 0 && 2 * capitalised >= (text.match(WORD_RE)?.length ?? 0);
}

function textWords(text: string): number[] {
  const t = modelText(text);
  return t ? t.split(' ').map(wordHash) : [];
}
