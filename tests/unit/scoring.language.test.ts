import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readability } from '#shared/scoring/language.js';
import { detectorOver, identifier, readTable, scoresOf, TABLE_FILE } from '#shared/scoring/language-identifier.js';
import { loadModel } from '#shared/scoring/model/index.js';
import { createCommentModel } from '#shared/scoring/model/comment.js';
import { createAdaptedScorer } from '#shared/scoring/adapted.js';
import { createEmbeddedScorer } from '#shared/scoring/embedded.js';
import { createAdapter } from '#shared/scoring/model/adapter.js';

/** Comments in other languages, as readers write them under news articles (written for this test). */
const OTHER: [string, string][] = [
  ['de', 'Der Gemeinderat hat heute endlich den neuen Radweg an der Hauptstraße beschlossen.'],
  ['de', 'die ausländer sind alle schmarotzer und gehören sofort abgeschoben'],
  ['fr', 'Encore une fois la mairie dépense notre argent pour rien, quelle honte.'],
  ['fr', 'Ces gens-là ne respectent rien, il faut les renvoyer chez eux.'],
  ['es', 'El ayuntamiento tendría que arreglar las calles antes de pensar en otra fiesta.'],
  ['es', 'Eres un idiota y no sabes nada de economía, cállate ya.'],
  ['it', 'Il sindaco ha promesso nuove piste ciclabili ma non si è visto niente.'],
  ['nl', 'De gemeente moet eindelijk iets doen aan de verkeersdrukte in het centrum.'],
  ['pl', 'Rada miasta znowu podniosła podatki, a drogi dalej są w fatalnym stanie.'],
  ['pt', 'A câmara municipal devia pensar primeiro nos moradores e depois nos turistas.'],
  ['sv', 'Kommunen borde satsa mer på kollektivtrafiken istället för nya parkeringar.'],
  ['ru', 'Городские власти опять обещают отремонтировать дороги, но ничего не меняется.'],
];

/** Comments in other scripts, some without spaces between words. */
const OTHER_SCRIPT: [string, string][] = [
  ['zh', '这篇文章写得太差了，记者根本不懂'],
  ['ja', 'この記事はひどい、記者は何も分かっていない'],
  ['ko', '기자가 아무것도 모르고 썼네요 정말'],
  ['th', 'ข่าวนี้เขียนได้แย่มาก'],
  ['ar', 'هذا المقال سيء جدا'],
  ['el', 'Σκάσε ρε άσχετε.'],
];

/** A name in another script inside English, a symbol, emoji, handles and links alone: read as they are. */
const MIXED = ['Зеленский said it again on TV today', 'π is 3.14 lol', '😂😂😂', '', '@someone https://x.com #tag'];

/** English the embedded scorer reads, in the registers that look least like English to a language identifier. */
const ENGLISH = [
  'The council finally approved the new cycle lane on the high street.',
  'lol',
  '+1 this',
  'trash',
  'loud bitches annoy me',
  'Stubborn as Pierre, stupid as Maggie.',
  "LET'S GO BRANDON POOPY-PANTS!",
  'absolute rubbish, Herr Himmler',
  'ILLEGITIMATE INCOMPETENT TYRANT TALIBIDEN',
  'he be trippin fr fr no cap',
  "aye yer man's no wrong there",
  'smh ngl tbh idc anymore',
  'Macron, Scholz, Meloni, Sánchez: Europe summit photo op again',
  "c'est la vie, the council never learns",
  '@reporter https://example.org/story #localnews great reporting',
  // No English function words at all, and read all the same.
  'Mbappe Haaland Lewandowski Salah Kane',
  'Gers Celtic Hibs Hearts Aberdeen derby',
  'nah mate absolute shambles',
  'proper gutted innit bruv',
  'Kawasaki dating a faggot smh',
  // Lists of names, which the identifier calls by the names' language.
  'Napoli Roma Lazio Fiorentina Atalanta',
  'Barcelona Madrid Valencia Sevilla',
  // Short, or without English function words, that the identifier calls another language but not surely enough.
  'Dat bitch had noo cheeks!',
  'po hustling ass hoe',
  'F\nU\nC\nK\nY\nO\nU\nC\nI\nV\nI\nL\nC\nO\nM\nM\nE\nN\nT\nS',
  'Ima trash @someone in fantasy',
  'ciao bella, bye bye mayor',
  'hasta la vista, councillor',
  'Happy birthday fag @someone love ya',
  'TRUMP TRUMP TRUMP MAGA!',
];

/** Each text is unreadable, as the language its code names. */
function assertReadAs(cases: readonly (readonly [string, string])[]) {
  for (const [code, text] of cases) {
    const r = readability(text);
    assert.equal(r.readable, false, text);
    assert.equal(r.language?.code, code, text);
  }
}

/** Each text is read as it is. */
function assertReadable(texts: readonly string[]) {
  for (const text of texts) assert.equal(readability(text).readable, true, text);
}

describe('whether the embedded scorer can read a comment', () => {
  it('when a comment is in another language, then it is unreadable and the language is named', () => {
    assertReadAs(OTHER);
    assert.equal(readability(OTHER[0]![1]).language?.name, 'German');
  });

  it('when a comment is English, however short, slangy or full of foreign names, then it is readable', () => {
    assertReadable(ENGLISH);
  });

  it('when a comment is written in another script, then even a short one is unreadable, spaces between words or not', () => {
    assertReadAs(OTHER_SCRIPT);
    assertReadable(MIXED);
  });

  it('when a comment hides its language in compatibility letters, has none of the listed words, or words English shares, then it is still found', () => {
    assertReadAs([
      ['de', '𝐃𝐢𝐞 𝐀𝐮𝐬𝐥𝐚̈𝐧𝐝𝐞𝐫 𝐬𝐢𝐧𝐝 𝐚𝐥𝐥𝐞 𝐒𝐜𝐡𝐦𝐚𝐫𝐨𝐭𝐳𝐞𝐫 𝐮𝐧𝐝 𝐠𝐞𝐡𝐨̈𝐫𝐞𝐧 𝐚𝐛𝐠𝐞𝐬𝐜𝐡𝐨𝐛𝐞𝐧'],
      ['de', 'Ｄｉｅ Ａｕｓｌäｎｄｅｒ ｓｉｎｄ ａｌｌｅ Ｓｃｈｍａｒｏｔｚｅｒ'],
      // None of the listed function words; its accents send it to the identifier.
      ['de', 'Ausländer gehören abgeschoben, Schmarotzer gehören weg!!!'],
      // "i" and "do" are Polish words too, and count for neither language.
      ['pl', 'Ci ludzie nie szanują naszego kraju i powinni wrócić do domu'],
    ]);
    assertReadable(['𝐓𝐡𝐢𝐬 𝐢𝐬 𝐭𝐡𝐞 𝐛𝐞𝐬𝐭 𝐚𝐫𝐭𝐢𝐜𝐥𝐞 𝐭𝐨𝐝𝐚𝐲']);
  });

  it('when a short comment is typed without accents, or has none of the listed words, then it is still found', () => {
    assertReadAs([
      // Under 24 letters, with other languages' function words.
      ['de', 'das ist doch alles quatsch'],
      ['fr', 'je suis pas content du tout'],
      ['es', 'el alcalde no hace nada'],
      // No English function words, none of another language's and no accents.
      ['de', 'endlich mal gute nachrichten hier'],
      ['nl', 'stadsbestuur weer eens zwaar onder vuur'],
    ]);
  });

  it('when a comment in another language is too short to tell, then it is read as the scorer reads it', () => {
    // Three words: below the length at which a language is called (the lexicon and the model still score it).
    assert.equal(readability('Ausländer raus jetzt').readable, true);
    // Four words, but fewer than 16 letters.
    assert.equal(readability('das ist so gut').readable, true);
  });

  it("when the scorer has featurised a comment, then the model's words give the same answer as the text", () => {
    const model = loadModel();
    for (const text of [...OTHER.map(([, t]) => t), ...ENGLISH]) {
      model.featurize(text);
      assert.deepEqual(readability(text, model.words()), readability(text), text);
    }
  });

  it("when a site's adapter scores, then it says what the embedded scorer says of a comment's language", async () => {
    const adapted = createAdaptedScorer(createCommentModel(), createAdapter());
    const embedded = createEmbeddedScorer();
    for (const [text, languages] of [
      [OTHER[1]![1], []],
      [ENGLISH[0]!, ['de']],
      [ENGLISH[0]!, ['de', 'en']],
    ] as const) {
      const ctx = { siteId: 's', languages: [...languages] };
      const a = await adapted.score(text, ctx);
      assert.equal(a.unreadable, (await embedded.score(text, ctx)).unreadable, text);
      assert.equal(a.adapter, true);
    }
    assert.equal(
      (await adapted.score(ENGLISH[0]!, { siteId: 's', languages: ['de'] })).unreadable,
      "it reads English, and this site's comments are in German",
    );
    assert.equal((await adapted.score(ENGLISH[0]!, { siteId: 's', languages: ['de', 'en'] })).unreadable, undefined);
  });

  it('when the comment model scores a comment, then it says whether it could read it, for the comment and not its context', () => {
    const comments = createCommentModel();
    const german = comments.score({ text: OTHER[1]![1] });
    assert.deepEqual(german.readability, { readable: false, language: { code: 'de', name: 'German' } });
    const reply = comments.score({ text: 'exactly, well said', parentText: OTHER[1]![1] });
    assert.equal(reply.readability.readable, true);
    // Not checked at all for a site none of whose comments the scorer reads.
    assert.deepEqual(comments.score({ text: OTHER[1]![1] }, { language: false }).readability, { readable: true });
  });
});

describe("the language identifier's table", () => {
  const entry = import.meta.resolve('eld/medium');

  it("when eld's table file is read, then every n-gram has the languages and scores eld's own object gives it", async () => {
    const { ngramsData } = (await import(new URL('../ngrams/medium.js', entry).href)) as {
      ngramsData: { type: string; languages: Record<number, string>; ngrams: Record<string, Record<number, number>> };
    };
    const table = readTable(readFileSync(TABLE_FILE, 'utf8'));
    assert.equal(table.type, ngramsData.type);
    assert.deepEqual(table.languages, ngramsData.languages);
    const keys = Object.keys(ngramsData.ngrams);
    assert.equal(table.index.size, keys.length);
    for (const key of keys) {
      assert.deepEqual(scoresOf(table, key), ngramsData.ngrams[key], key);
    }
  });

  it("when a text is identified, then the answer is eld's, language, scores and reliability", async () => {
    const { eld } = await import('eld/medium');
    const texts = [...OTHER, ...OTHER_SCRIPT].map(([, t]) => t).concat(ENGLISH, MIXED);
    // Each comment cut to its first words as well, down to the lengths at which the check stops asking.
    for (const text of [...texts]) {
      const words = text.split(' ');
      for (let n = 1; n < words.length; n++) texts.push(words.slice(0, n).join(' '));
    }
    for (const text of texts) {
      const ours = identifier.detect(text);
      const theirs = eld.detect(text);
      assert.equal(ours.language, theirs.language, text);
      assert.deepEqual(ours.getScores(), theirs.getScores(), text);
      assert.equal(ours.isReliable(), theirs.isReliable(), text);
    }
  });

  it('when a table file has keys quoted, escaped, bare or numeric, then each is read as JavaScript reads it', () => {
    const ngrams = `{'a\\'b':{0:5,1:7},' x\\\\ ':{1:3},Lé4L:{0:1},1234:{1:2}}`;
    const table = readTable(
      `export const ngramsData = {type:'T1',languages:{0:'en',1:'de'},isSubset:false,ngrams:${ngrams}};`,
    );
    const asJavaScript = new Function(`return ${ngrams}`)() as Record<string, Record<number, number>>;
    // (JavaScript lists a key that is an array index first; the order of a lookup's keys does not matter.)
    assert.deepEqual([...table.index.keys()].sort(), Object.keys(asJavaScript).sort());
    assert.deepEqual([...table.index.keys()], ["a'b", ' x\\ ', 'Lé4L', '1234']);
    assert.deepEqual([...table.langs], [0, 1, 1, 0, 1]);
    assert.deepEqual([...table.scores], [5, 7, 3, 1, 2]);
    assert.equal(detectorOver(table).detect('ab').language, '');
  });

  it('when a table file is not as expected, then reading it fails instead of identifying with part of it', () => {
    const head = `export const ngramsData = {type:'T1',languages:{0:'en'},isSubset:false,ngrams:{`;
    for (const broken of [
      `${head}'ab':{0:5}`,
      `${head}'a\\nb':{0:5}}};`,
      `${head}'ab':{9:5}}};`,
      `${head}'ab':{0:5},'ab':{0:6}}};`,
      `${head}0123:{0:5}}};`,
      `${head}.5:{0:5}}};`,
      `${head}-1:{0:5}}};`,
      `${head}a.b:{0:5}}};`,
      `${head}:{0:5}}};`,
      `${head}\`ab\`:{0:5}}};`,
      `${head}'ab':{0:x}}};`,
      `${head}'a\nb':{0:5}}};`,
      `export const ngramsData = {type:'T1',languages:{0:'en',300:'xx'},ngrams:{'ab':{300:5}}};`,
      `export const ngramsData = {languages:{0:'en'},ngrams:{}};`,
    ])
      assert.throws(() => readTable(broken), /eld: unexpected n-gram table file/, broken);
  });
});
