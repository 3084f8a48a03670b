import type { Statement } from '../db/dsa-statements.js';

/**
 * The EU DSA Transparency Database's category of each default notice category; anything else is
 * reported under the category the site gave (`category_specification`) as "scope of platform service".
 */
const CATEGORY: Record<string, string> = {
  hate_speech: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  defamation: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  terrorist_content: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  child_safety: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  privacy: 'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
};
/** Site rules the worker applies, by the category they belong to. */
const RULE_CATEGORY: Record<string, string> = {
  abusive_language: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  banned_word: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  link_not_allowed: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  repeat: 'STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE',
};
const SOURCE: Record<Statement['source'], string> = {
  notice: 'SOURCE_ARTICLE_16',
  trusted_flagger: 'SOURCE_TRUSTED_FLAGGER',
  automated: 'SOURCE_VOLUNTARY',
  moderator: 'SOURCE_VOLUNTARY',
  misuse: 'SOURCE_VOLUNTARY',
};

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The longest legal or incompatible-content ground the database accepts (a moderator's reason can be longer). */
const GROUND_MAX = 500;
const upTo = (max: number, text: string) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * One statement of reasons in the Transparency Database's submission format (the fields of its
 * `POST /api/v1/statement` API); `puid` is the statement's id. Nothing is sent: the site's
 * publisher submits the file with its own token.
 */
export function tdbStatement(s: Statement & { contentDate: Date | null }, o: { territorialScope: string[] }) {
  const content = s.restriction === 'removal' || s.restriction === 'hold';
  const illegal = s.ground === 'illegal_content';
  const category =
    (s.category ? CATEGORY[s.category] : RULE_CATEGORY[s.groundDetail]) ??
    'STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE';
  return {
    puid: s.id,
    ...(content
      ? {
          decision_visibility: [
            s.restriction === 'removal'
              ? 'DECISION_VISIBILITY_CONTENT_REMOVED'
              : 'DECISION_VISIBILITY_CONTENT_DISABLED',
          ],
        }
      : {
          decision_account: s.restriction === 'ban' ? 'DECISION_ACCOUNT_TERMINATED' : 'DECISION_ACCOUNT_SUSPENDED',
          account_type: 'ACCOUNT_TYPE_PRIVATE',
        }),
    decision_ground: illegal ? 'DECISION_GROUND_ILLEGAL_CONTENT' : 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
    ...(illegal
      ? { illegal_content_legal_ground: upTo(GROUND_MAX, s.groundDetail), illegal_content_explanation: s.facts }
      : {
          incompatible_content_ground: upTo(GROUND_MAX, s.groundDetail),
          incompatible_content_explanation: s.facts,
          incompatible_content_illegal: 'No',
        }),
    category,
    // The database keeps a free-text specification only beside the keyword that asks for one.
    ...(s.category && !CATEGORY[s.category]
      ? { category_specification: ['KEYWORD_OTHER'], category_specification_other: s.category }
      : {}),
    content_type: ['CONTENT_TYPE_TEXT'],
    content_date: day(s.contentDate ?? s.createdAt),
    application_date: day(s.createdAt),
    ...(s.endsAt
      ? content
        ? { end_date_visibility_restriction: day(s.endsAt) }
        : { end_date_account_restriction: day(s.endsAt) }
      : {}),
    decision_facts: s.facts,
    source_type: SOURCE[s.source],
    automated_detection: s.automatedDetection ? 'Yes' : 'No',
    automated_decision: s.automatedDecision ? 'AUTOMATED_DECISION_FULLY' : 'AUTOMATED_DECISION_NOT_AUTOMATED',
    territorial_scope: o.territorialScope,
  };
}

/** The EU's member states (ISO 3166-1 alpha-2, Greece as EL as the database expects): the default territorial scope. */
export const EU_MEMBER_STATES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'EL',
  'ES',
  'FI',
  'FR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
];
