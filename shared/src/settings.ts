import { z } from 'zod';
import { MAX_BODY_LENGTH } from './contract.js';

/** Attributes every scorer reports, each a probability-like score in [0, 1]. */
export const ATTRIBUTES = [
  'TOXICITY',
  'SEVERE_TOXICITY',
  'IDENTITY_ATTACK',
  'INSULT',
  'PROFANITY',
  'THREAT',
  'SPAM',
] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

/** Reactions a site may offer; the widget names each in the reader's language. */
export const REACTION_KINDS = ['respect', 'like', 'insightful', 'agree', 'funny'] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];

export const SCORER_NAMES = ['embedded', 'perspective', 'openai'] as const;
export type ScorerName = (typeof SCORER_NAMES)[number];

const thresholdMap = z.partialRecord(z.enum(ATTRIBUTES), z.number().min(0).max(1));
// A word or phrase a moderator types: letters, digits, spaces, apostrophes and hyphens.
const word = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}' -]*$/u, 'letters, digits, spaces, apostrophes or hyphens');
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain name such as example.com');
const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * A site's moderation settings: the whole document, every field with its default. Sites
 * store only what they changed (a JSON merge patch over these defaults), so improved
 * defaults reach every site that did not choose otherwise.
 */
export const siteSettingsSchema = z.strictObject({
  /** Scorers run on every comment; their scores combine by taking the highest per attribute. */
  scorers: z
    .array(z.enum(SCORER_NAMES))
    .min(1)
    .max(SCORER_NAMES.length)
    .refine((a) => new Set(a).size === a.length, 'each scorer at most once'),
  /** What happens when a remote scorer stays unavailable: hold for a moderator, or use the embedded scorer. */
  onScorerUnavailable: z.enum(['hold', 'embedded']),
  /**
   * Languages of the site's comments (BCP 47), sent to scorers that accept a hint. Without English among them the
   * embedded scorer, which reads English, reads none of the site's comments: each is held unless another chosen scorer
   * read it. Empty: each comment's language is checked.
   */
  languages: z
    .array(z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en or fr-CA'))
    .max(10),
  thresholds: z.strictObject({ hold: thresholdMap, reject: thresholdMap }),
  bannedWords: z.array(word).max(2000),
  suspectWords: z.array(word).max(2000),
  links: z.strictObject({
    /** Comments with links from readers with fewer approved comments than this are held. */
    holdBelowApproved: int(0, 1_000_000),
    /** Links to these domains (and their subdomains) never count. */
    allowDomains: z.array(domain).max(1000),
    /** A link to one of these domains (or a subdomain) rejects the comment. */
    denyDomains: z.array(domain).max(1000),
  }),
  premod: z.enum(['off', 'new', 'all']),
  /** With premod "new": a reader's comments are held until this many were approved. */
  premodNewCount: int(0, 1000),
  repeat: z.strictObject({ windowSeconds: int(0, 7 * 86400) }),
  coordinated: z.strictObject({
    /** Distinct accounts posting near-identical text that make a campaign (0 turns the rule off). */
    accounts: int(0, 1000),
    windowSeconds: int(1, 7 * 86400),
    /** Estimated Jaccard similarity of the texts' character 4-grams. */
    similarity: z.number().min(0.5).max(1),
  }),
  history: z.strictObject({
    /** A reader whose rejected share of recent comments is above this is held (1 turns it off). */
    rejectRate: z.number().min(0).max(1),
    windowDays: int(1, 365),
    /** Readers with this many approved comments and no rejection in the window skip borderline-score holds (0: never). */
    trustedAfter: int(0, 1_000_000),
  }),
  /** Reports from distinct readers with standing (below) that hold a visible comment. */
  reportThreshold: int(1, 1000),
  /** Open reports of a comment (from any readers) that send the publisher `comment.report_threshold` (0: never). */
  reportNotifyThreshold: int(0, 1000),
  /**
   * Who counts towards reportThreshold: older accounts with approved comments and (for native
   * accounts) a confirmed address. Reports from others are kept for moderators but hide nothing.
   */
  reportStanding: z.strictObject({
    minAccountAgeDays: int(0, 365),
    minApprovedComments: int(0, 1_000_000),
    requireVerifiedEmail: z.boolean(),
  }),
  /** Readers may create accounts with an email and password (off for sites that sign readers in through SSO only). */
  nativeAccounts: z.boolean(),
  /** Moderators and admins must sign in with an authenticator code (TOTP); until they enrol, their token reaches only enrolment. */
  staffTotpRequired: z.boolean(),
  maxBodyLength: int(1, MAX_BODY_LENGTH),
  /** Posts unknown to the service are created when the widget loads them from one of the site's origins. */
  autoCreatePosts: z.boolean(),
  /** Commenting closes this many days after a post was created (null: never). */
  autoCloseDays: int(1, 3650).nullable(),
  /** What happens to a reader's comments when their account is deleted. */
  onAccountDeleted: z.enum(['remove', 'anonymize']),
  /** The site's adapter learns from its moderators' decisions and, once it beats the shared model, scores TOXICITY. */
  adapter: z.strictObject({ enabled: z.boolean() }),
  /**
   * How readers' notifications (replies, decisions on held comments, featured comments) leave the service
   * besides the widget's bell: `email` to readers who opted in, or `webhook` only (the `reader.notification`
   * event, for a publisher that sends its own).
   */
  readerNotifications: z.enum(['email', 'webhook']),
  /** Held comments whose predicted rejection (TOXICITY) is below this level form the likely-fine lane (0: no lane). */
  likelyFineBelow: z.number().min(0).max(1),
  /** A scorer run on live traffic beside the site's scorers: its scores are stored, never decide (null: none). */
  shadowScorer: z.enum(SCORER_NAMES).nullable(),
  /** Minutes after posting during which readers may edit their comment (0: no editing). Each edit is moderated again. */
  editWindowMinutes: int(0, 1440),
  /** The reactions readers may give a comment (one per reader per comment), in the order the widget shows them. */
  reactions: z
    .array(z.enum(REACTION_KINDS))
    .max(REACTION_KINDS.length)
    .refine((a) => new Set(a).size === a.length, 'each reaction at most once'),
  /**
   * Surge protection per post: when, among the comments of a post decided within `windowSeconds`
   * (at least `minComments` of them), the share held by a rule, rejected or reported reaches
   * `share`, the post switches itself to pre-moderation or slow mode (one comment per reader per
   * `slowSeconds`); it switches back after `minComments` comments in a row with less than half
   * that share, or when a moderator ends it.
   */
  surge: z.strictObject({
    enabled: z.boolean(),
    share: z.number().min(0.05).max(1),
    minComments: int(2, 10_000),
    windowSeconds: int(10, 86_400),
    mode: z.enum(['premod', 'slow']),
    slowSeconds: int(10, 86_400),
  }),
  /** Moderators' wellbeing: comments whose highest harm score (any attribute but SPAM) is above this are blurred until revealed (1: never). */
  wellbeing: z.strictObject({ blurAbove: z.number().min(0).max(1) }),
  /** The EU Digital Services Act chain: notices, statements of reasons, appeals, trusted flaggers, misuse (docs/dsa.md). */
  dsa: z.strictObject({
    enabled: z.boolean(),
    /** What a notice may name as the illegal content's category: an id and the label readers see. */
    categories: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a lower-case id such as hate_speech'),
          label: z.string().trim().min(1).max(80),
        }),
      )
      .min(1)
      .max(40)
      .refine((a) => new Set(a.map((c) => c.id)).size === a.length, 'each category id at most once'),
    /** Where else the recipient of a decision can turn (out-of-court dispute settlement bodies, contact point), shown in every statement. */
    redressText: z.string().trim().max(1000),
    /** Art. 23: after a warning, suspend who reaches these counts within windowDays. */
    misuse: z.strictObject({
      /** Comments a moderator removed as manifestly illegal. */
      illegalContent: int(1, 1000),
      /** Notices a moderator found manifestly unfounded. */
      unfoundedNotices: int(1, 1000),
      windowDays: int(1, 365),
      suspensionDays: int(1, 365),
    }),
  }),
});

export type SiteSettings = z.infer<typeof siteSettingsSchema>;

/** A language tag's primary language, lower case: `fr-CA` → `fr`, `EN` → `en` (the settings' `languages`). */
export function primaryLanguage(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

export const DEFAULT_SETTINGS: SiteSettings = Object.freeze({
  scorers: ['embedded'],
  onScorerUnavailable: 'hold',
  languages: [],
  thresholds: { hold: { TOXICITY: 0.7 }, reject: { SEVERE_TOXICITY: 0.95 } },
  bannedWords: [],
  suspectWords: [],
  links: { holdBelowApproved: 2, allowDomains: [], denyDomains: [] },
  premod: 'off',
  premodNewCount: 2,
  repeat: { windowSeconds: 600 },
  coordinated: { accounts: 3, windowSeconds: 600, similarity: 0.9 },
  history: { rejectRate: 0.3, windowDays: 7, trustedAfter: 20 },
  reportThreshold: 3,
  reportNotifyThreshold: 3,
  reportStanding: { minAccountAgeDays: 2, minApprovedComments: 1, requireVerifiedEmail: true },
  nativeAccounts: true,
  staffTotpRequired: false,
  maxBodyLength: MAX_BODY_LENGTH,
  autoCreatePosts: true,
  autoCloseDays: null,
  onAccountDeleted: 'anonymize',
  adapter: { enabled: true },
  readerNotifications: 'email',
  likelyFineBelow: 0.1,
  shadowScorer: null,
  editWindowMinutes: 10,
  reactions: ['respect'],
  surge: { enabled: false, share: 0.5, minComments: 20, windowSeconds: 600, mode: 'premod', slowSeconds: 300 },
  wellbeing: { blurAbove: 0.8 },
  dsa: {
    enabled: true,
    categories: [
      { id: 'hate_speech', label: 'Hate speech' },
      { id: 'defamation', label: 'Defamation' },
      { id: 'terrorist_content', label: 'Terrorist content' },
      { id: 'child_safety', label: 'Child safety' },
      { id: 'privacy', label: 'Privacy' },
      { id: 'other', label: 'Other illegal content' },
    ],
    redressText: '',
    misuse: { illegalContent: 3, unfoundedNotices: 5, windowDays: 90, suspensionDays: 14 },
  },
}) as SiteSettings;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7396 JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return patch as Json;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * A site's effective settings: its stored overrides over the defaults. A stored setting that no longer validates
 * (a key an upgrade dropped, a row edited by hand) falls back to its default alone, however deep it is: the site
 * keeps every other choice it made (pre-moderation, word lists, the DSA), never loses all of them at once.
 */
export function effectiveSettings(stored: unknown): SiteSettings {
  const overrides = (isObject(stored) ? structuredClone(stored) : {}) as Record<string, Json>;
  for (;;) {
    const parsed = siteSettingsSchema.safeParse(mergePatch(structuredClone(DEFAULT_SETTINGS), overrides));
    if (parsed.success) return parsed.data;
    let dropped = false;
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys')
        for (const k of issue.keys) dropped = dropAt(overrides, [...path, k]) || dropped;
      else if (path.length > 0) dropped = dropAt(overrides, path) || dropAt(overrides, path.slice(0, 1)) || dropped;
    }
    // Nothing of the site's own to drop: the defaults themselves are refused (a programming error upstream).
    if (!dropped) return DEFAULT_SETTINGS;
  }
}

/** Deletes the stored value at a path (the default takes its place); whether there was one. */
function dropAt(root: Record<string, Json>, path: readonly string[]): boolean {
  let at: Json | undefined = root;
  for (const key of path.slice(0, -1)) {
    if (!isObject(at)) return false;
    at = at[key];
  }
  const last = path.at(-1);
  if (!isObject(at) || last === undefined || !Object.hasOwn(at, last)) return false;
  delete at[last];
  return true;
}

// Parsed settings by their stored JSON text: the worker reads settings with every comment, and
// validating a document with long word lists costs far more than comparing the text.
const parsedByText = new Map<string, SiteSettings>();
const MAX_PARSED = 1000;

/** effectiveSettings() of a stored JSON text, cached by that text. */
export function effectiveSettingsOfText(text: string | null): SiteSettings {
  if (text === null) return DEFAULT_SETTINGS;
  const hit = parsedByText.get(text);
  if (hit) return hit;
  let stored: unknown = {};
  try {
    stored = JSON.parse(text);
  } catch {
    // A hand-edited column that is not JSON: the defaults apply.
  }
  const settings = effectiveSettings(stored);
  if (parsedByText.size >= MAX_PARSED) parsedByText.delete(parsedByText.keys().next().value!);
  parsedByText.set(text, settings);
  return settings;
}

export interface SettingsProblem {
  field: string;
  message: string;
}

/**
 * Applies a PATCH to a site's stored overrides. Returns the new overrides and the effective
 * document, or the problems naming each bad field (nothing is applied then).
 */
export function applySettingsPatch(
  stored: unknown,
  patch: unknown,
): { ok: true; overrides: Json; settings: SiteSettings } | { ok: false; problems: SettingsProblem[] } {
  if (!isObject(patch)) return { ok: false, problems: [{ field: '', message: 'expected a JSON object' }] };
  const overrides = mergePatch(isObject(stored) ? stored : {}, patch);
  const parsed = siteSettingsSchema.safeParse(mergePatch(structuredClone(DEFAULT_SETTINGS), overrides));
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ field: fieldOf(i), message: i.message })) };
  }
  return { ok: true, overrides, settings: parsed.data };
}

function fieldOf(issue: z.core.$ZodIssue): string {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0] ?? '');
  return path.map(String).join('.');
}
