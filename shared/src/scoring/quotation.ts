/**
 * Quoted words in a comment: what the phrase readers (`threat-phrases.ts`, `group-phrases.ts`) need to tell
 * a comment's own words from words it reports or rejects. Only double quotation marks count: a single one is
 * too often an apostrophe. Quoting alone changes nothing ('"immigrants are vermin" — exactly right' is the
 * writer's view); quoting with a reporting verb before the quotation, or a rejection outside it, does.
 */

const OPEN = /["“„«]/;
const MARKS = /["“”„«»]/g;
// A quotation in double quotation marks (3 to 300 characters).
const QUOTATION = /["“„«]([^"“”„«»]{3,300})["”»]/g;
// What a comment says of what it quotes, to reject it (not negated: "is not wrong" rejects nothing).
const REJECTS =
  /(?<!\b(?:not|never|isn['’]?t|nothing|hardly|no)\s+(?:\w+\s+)?)\b(?:wrong|disgusting|racist|racism|hateful|hate\s+speech|bigoted|bigotry|not\s+ok(?:ay)?|unacceptable|shameful|appalling|vile|offensive|sexist|homophobic|transphobic|antisemitic|anti-semitic|islamophobic|xenophobic|dehumani[sz]ing|ashamed|stop\s+saying|never\s+say|don['’]?t\s+say|do\s+not\s+say|no\s+one\s+should|nobody\s+should|a\s+lie|false|not\s+true|isn['’]?t\s+true|myth|condemn\w*|called\s+out|calling\s+out|reported)\b/i;
// A verb that reports someone else's words, just before the quotation.
const REPORTS =
  /\b(?:said|says|say|saying|wrote|writes|write|writing|chant(?:s|ed|ing)?|shout(?:s|ed|ing)?|scream(?:s|ed|ing)?|yell(?:s|ed|ing)?|tweet(?:s|ed|ing)?|post(?:s|ed|ing)?|call(?:s|ed|ing)?|told|tells|headlines?|headlined|quot(?:e|es|ed|ing)|according\s+to|words|slogan|signs?\s+(?:read|reading|said))\b[^"“„«]{0,40}$/i;

/** The comment's own words, its quotations blanked; the text itself when it quotes nothing. */
function ownWords(text: string): string {
  return OPEN.test(text) ? text.replace(QUOTATION, ' … ') : text;
}

/** Whether the comment quotes something and, in its own words, rejects it ("… is racist", "stop saying"). */
function rejectsAQuotation(text: string): boolean {
  const own = ownWords(text);
  return own !== text && REJECTS.test(own);
}

/**
 * Whether the offset lies inside a double quotation that the comment reports (a reporting verb just before
 * it) or rejects (in its own words): somebody else's words, not the writer's.
 */
export function inDistancedQuotation(text: string, offset: number): boolean {
  const before = text.slice(0, offset);
  const marks = before.match(MARKS)?.length ?? 0;
  if (marks % 2 === 0) return false;
  const opened = Math.max(
    before.lastIndexOf('"'),
    before.lastIndexOf('“'),
    before.lastIndexOf('„'),
    before.lastIndexOf('«'),
  );
  return REPORTS.test(text.slice(Math.max(0, opened - 60), opened)) || rejectsAQuotation(text);
}
